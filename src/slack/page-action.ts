import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { lookup } from '../../commands/lookup.ts';
import { BAD_PAGE_BUTTON, parsePageValue } from '../../commands/profile-list.ts';
import type { RolesContext } from '../../commands/roles.ts';
import { errorMessage, renderSlack, type SlackMessage } from './blocks.ts';
import { PAGE_ACTION, PAGE_VALUE_MAX } from './list-blocks.ts';

/**
 * A list's Previous/Next (and the card's Tags, Identifiers, KYC tasks): the value names the customer,
 * the list and the page; the page is read again from the store as whoever clicked (their role, their
 * masking, their audit row) and replaces the message. A value that is not ours gets a plain answer.
 */
export function handlePageActions(
  bolt: App,
  contextFor: (userId: string, channelId: string | undefined) => Promise<RolesContext>,
  failed: (error: unknown, what: string) => SlackMessage,
): void {
  bolt.action<BlockAction<ButtonAction>>({ action_id: new RegExp(`^${PAGE_ACTION}:`) }, async ({ ack, body, action, respond }) => {
    await ack();
    const value = (action.value ?? '').length <= PAGE_VALUE_MAX ? parsePageValue(action.value ?? '') : null;
    // A refusal comes as a message of its own, so the card it was clicked on stays.
    if (!value) return void (await respond({ response_type: 'ephemeral', ...errorMessage(BAD_PAGE_BUTTON), replace_original: false }));
    let message: SlackMessage;
    try {
      const ctx = await contextFor(body.user.id, body.channel?.id);
      message = renderSlack(await lookup({ identifier: value.unifiedId, section: value.list, page: value.page }, ctx));
    } catch (e) {
      message = failed(e, 'profile page button');
    }
    await respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks, replace_original: true });
  });
}
