import type { types } from '@slack/bolt';

export { escape, escape as esc, escapeKeepingMentions } from './escape.ts';

/**
 * Slack's Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks). Slack refuses the whole
 * message when one is broken, so the renderer cuts to these and tests check every message against them.
 */
export const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  buttonText: 75,
  actionsElements: 25,
  /** Messages near ~13,000 characters have been refused (`msg_blocks_too_long`); stay well under. */
  messageChars: 12_000,
} as const;

export type Block = types.KnownBlock;

export interface SlackMessage {
  /** notification and screen-reader fallback; Slack shows blocks when present */
  text: string;
  blocks: Block[];
}

/** Cuts text to `max`, preferring whole lines and saying how many were left out. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const lines = s.split('\n');
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > max - 24) break;
    kept.push(line);
    used += line.length + 1;
  }
  if (kept.length > 0 && kept.length < lines.length) return `${kept.join('\n')}\n…and ${lines.length - kept.length} more`;
  // One long line: cut it, without leaving half an escape like `&am`.
  return `${s.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

/**
 * The one paging helper: groups lines into section texts of at most `perBlock` characters, stopping at
 * `budget` characters in all; `shown` says how many lines made it, so the caller can say what was left.
 */
export function linesToSections(lines: readonly string[], perBlock: number = LIMITS.sectionText - 100, budget = Infinity): { blocks: Block[]; shown: number } {
  const blocks: Block[] = [];
  let current: string[] = [];
  let size = 0;
  let used = 0;
  let shown = 0;
  const flush = () => {
    if (current.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(current.join('\n'), LIMITS.sectionText) } });
    current = [];
    size = 0;
  };
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    if (size && size + line.length + 1 > perBlock) flush();
    current.push(line);
    size += line.length + 1;
    used += line.length + 1;
    shown++;
  }
  flush();
  return { blocks, shown };
}

type TextSlot = { get(): string; set(v: string): void };

/** Every piece of text a person sees in the blocks, as slots the budget can shorten. */
function textSlots(blocks: Block[]): TextSlot[] {
  const slots: TextSlot[] = [];
  const add = (obj: { text: string } | undefined) => {
    if (obj) slots.push({ get: () => obj.text, set: (v) => void (obj.text = v) });
  };
  for (const b of blocks) {
    if (b.type === 'section') {
      add(b.text);
      for (const f of b.fields ?? []) add(f);
    } else if (b.type === 'header') {
      add(b.text);
    } else if (b.type === 'context') {
      for (const e of b.elements) if ('text' in e) add(e);
    } else if (b.type === 'actions') {
      for (const e of b.elements) if (e.type === 'button') add(e.text);
    }
  }
  return slots;
}

export const messageChars = (blocks: Block[]) => textSlots(blocks).reduce((n, s) => n + s.get().length, 0);

/** Halves the longest texts until the message fits Slack's overall size; a last resort after per-part cuts. */
export function fitMessage(blocks: Block[], budget: number = LIMITS.messageChars - 1000): Block[] {
  const slots = textSlots(blocks);
  let total = slots.reduce((n, s) => n + s.get().length, 0);
  while (total > budget) {
    const longest = slots.reduce((a, b) => (b.get().length > a.get().length ? b : a));
    const before = longest.get().length;
    if (before <= 40) break;
    longest.set(clip(longest.get(), Math.floor(before / 2)));
    total -= before - longest.get().length;
  }
  return blocks;
}

/** Every way `message` breaks Slack's limits, as sentences; empty when Slack would take it. */
export function checkSlackLimits(message: SlackMessage): string[] {
  const problems: string[] = [];
  const over = (what: string, n: number, max: number) => n > max && problems.push(`${what}: ${n} > ${max}`);
  const { blocks } = message;
  over('blocks', blocks.length, LIMITS.blocks);
  blocks.forEach((b, i) => {
    const at = `block ${i} (${b.type})`;
    if (b.type === 'header') over(`${at} header text`, b.text.text.length, LIMITS.headerText);
    if (b.type === 'section') {
      if (!b.text && !b.fields?.length) problems.push(`${at}: a section needs text or fields`);
      if (b.text) over(`${at} text`, b.text.text.length, LIMITS.sectionText);
      over(`${at} fields`, b.fields?.length ?? 0, LIMITS.fields);
      b.fields?.forEach((f, j) => over(`${at} field ${j}`, f.text.length, LIMITS.fieldText));
    }
    if (b.type === 'context') over(`${at} elements`, b.elements.length, LIMITS.contextElements);
    if (b.type === 'actions') {
      over(`${at} elements`, b.elements.length, LIMITS.actionsElements);
      const ids = new Set<string>();
      for (const e of b.elements) {
        if (e.type !== 'button') continue;
        over(`${at} button "${e.text.text}"`, e.text.text.length, LIMITS.buttonText);
        if (e.action_id && ids.has(e.action_id)) problems.push(`${at}: action_id ${e.action_id} repeated`);
        if (e.action_id) ids.add(e.action_id);
      }
    }
    for (const slot of textSlots([b])) if (slot.get().length === 0) problems.push(`${at}: empty text`);
  });
  over('message characters', messageChars(blocks), LIMITS.messageChars);
  return problems;
}
