import { clip } from './limits.ts';

/**
 * A modal that asks a person for one piece of text (an alert's resolution note, a dismissed conflict's
 * reason). `metadata` is echoed back by Slack with the submission and must be validated like any input;
 * the text is checked again by the command (the limits here only help the person typing).
 */
export function noteModal(m: { callbackId: string; metadata: string; title: string; submit: string; label: string; field: { block: string; action: string }; max: number }) {
  return {
    type: 'modal' as const,
    callback_id: m.callbackId,
    private_metadata: m.metadata,
    title: { type: 'plain_text' as const, text: clip(m.title, 24) },
    submit: { type: 'plain_text' as const, text: m.submit },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'input' as const,
        block_id: m.field.block,
        label: { type: 'plain_text' as const, text: m.label },
        element: { type: 'plain_text_input' as const, action_id: m.field.action, multiline: true, min_length: 1, max_length: m.max },
      },
    ],
  };
}
