import type { LookupInput } from '../../commands/lookup.ts';
import { BAD_PAGE_BUTTON, parsePageValue } from '../../commands/profile-list.ts';
import type { CommandResult } from '../../commands/types.ts';
import { PAGE_BUTTON } from './list-embeds.ts';

export { PAGE_BUTTON };

/**
 * A list's Previous/Next (and the card's Tags, Identifiers, KYC tasks): the custom_id names the
 * customer, the list and the page, and the lookup runs again as whoever clicked. A custom_id that is
 * not ours answers the clicker with a plain refusal instead of a page.
 */
export function pageLookup(customId: string): { input: LookupInput } | { refusal: CommandResult } {
  const value = customId.length <= 100 ? parsePageValue(customId.slice(PAGE_BUTTON.length)) : null;
  if (!value) return { refusal: { kind: 'notice', ok: false, title: 'Not a valid page button', lines: [BAD_PAGE_BUTTON] } };
  return { input: { identifier: value.unifiedId, section: value.list, page: value.page } };
}
