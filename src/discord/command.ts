// `/user360` as Discord sees it. Discord wants typed options where Slack takes free text, so each
// subcommand declares its options here, and an interaction is turned back into the one text grammar
// that `runCommandText` parses: Discord adds no command logic of its own.
import { COMMANDS } from '../../commands/index.ts';
import { ALERT_FILTERS, RISK_LEVELS, ROLES } from '../../db/schema/constants.ts';
import { addDays, gmt8Day } from '../time.ts';

export const COMMAND_NAME = 'user360';
export const COMMAND_DESCRIPTION = 'Customer profiles, metrics and compliance tools of User 360';

export type OptionKind = 'string' | 'integer' | 'user' | 'role' | 'channel';

export interface OptionSpec {
  name: string;
  description: string;
  kind: OptionKind;
  required?: boolean;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** The value is grammar text itself (find's query), spliced in as typed rather than kept one word. */
  raw?: boolean;
  /** Discord asks as the user types; `autocompleteChoices` answers. */
  autocomplete?: 'range' | 'day';
}

export interface SubcommandSpec {
  name: string;
  description: string;
  options?: readonly OptionSpec[];
}

/** A top-level entry is a registry command: a plain subcommand, or a group when it has subcommands. */
export interface EntrySpec extends SubcommandSpec {
  subcommands?: readonly SubcommandSpec[];
}

const channel: OptionSpec = { name: 'channel', description: 'a channel instead of your DMs', kind: 'channel' };
// The kinds come from the one list the command and the table use, so a new kind reaches Discord too.
const alertKind: OptionSpec = { name: 'kind', description: 'which alerts (default all)', kind: 'string', choices: ALERT_FILTERS };
const segmentName: OptionSpec = { name: 'name', description: 'the segment\'s name', kind: 'string', required: true };

/**
 * Every subcommand Discord could offer; only those in the COMMANDS registry are registered and run.
 * `options` are listed in the order the text grammar takes its words, not the order Discord shows them
 * (required options must come first there, which `buildCommand` sorts out).
 */
export const DISCORD_SUBCOMMANDS: readonly EntrySpec[] = [
  {
    name: 'lookup',
    description: 'Profile of a customer',
    options: [{ name: 'identifier', description: 'email, phone, wallet, unified id, ext:<id>, kakao:<id> or line:<id>', kind: 'string', required: true }],
  },
  {
    name: 'wallet',
    description: 'On-chain facts of an EVM address and the customer holding it',
    options: [{ name: 'address', description: 'an EVM address, 0x and 40 hex digits', kind: 'string', required: true }],
  },
  {
    name: 'metrics',
    description: 'Compliance and AssetPro figures',
    options: [{ name: 'range', description: 'all, 1d, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD (default 7d)', kind: 'string', autocomplete: 'range' }],
  },
  {
    name: 'top',
    description: 'Top customers by transaction volume',
    options: [
      { name: 'range', description: 'all, 1d, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD (default 30d)', kind: 'string', autocomplete: 'range' },
      { name: 'n', description: 'how many customers (default 10)', kind: 'integer', min: 1, max: 50 },
    ],
  },
  {
    name: 'alerts',
    description: 'Compliance alert subscriptions',
    subcommands: [
      {
        name: 'subscribe',
        description: 'Get KYC, risk and exposure alerts',
        options: [
          alertKind,
          { name: 'min-level', description: 'lowest risk level to hear about', kind: 'string', choices: RISK_LEVELS },
          channel,
        ],
      },
      {
        name: 'unsubscribe',
        description: 'Stop alerts',
        options: [alertKind, channel],
      },
      { name: 'list', description: 'Your alert subscriptions', options: [channel] },
    ],
  },
  {
    name: 'digest',
    description: 'The daily digest in this channel',
    subcommands: [
      { name: 'subscribe', description: 'Post the daily digest here' },
      { name: 'unsubscribe', description: 'Stop the daily digest here' },
      {
        name: 'preview',
        description: 'Show a day\'s digest (today\'s so far)',
        options: [{ name: 'date', description: 'a GMT+8 day, YYYY-MM-DD (default today)', kind: 'string', autocomplete: 'day' }],
      },
    ],
  },
  {
    name: 'roles',
    description: 'Who may see personal data (admins)',
    subcommands: [
      {
        name: 'grant',
        description: 'Give a Discord user or guild role a User 360 role',
        options: [
          { name: 'user', description: 'a Discord user', kind: 'user' },
          { name: 'role', description: 'a guild role: everyone holding it gets the User 360 role', kind: 'role' },
          { name: 'as', description: 'the User 360 role to give', kind: 'string', choices: ROLES, required: true },
        ],
      },
      {
        name: 'revoke',
        description: 'Take a granted role back',
        options: [
          { name: 'user', description: 'a Discord user', kind: 'user' },
          { name: 'role', description: 'a guild role', kind: 'role' },
        ],
      },
      { name: 'list', description: 'Granted roles' },
    ],
  },
  {
    name: 'find',
    description: 'Find customers by name or identifier prefix and filters',
    options: [{ name: 'query', description: 'words and filters, like: alice kyc:pending risk:>=high tag:vip volume:>1000', kind: 'string', raw: true }],
  },
  {
    name: 'segment',
    description: 'Saved find queries, and who hears when customers enter or leave them',
    subcommands: [
      {
        name: 'create',
        description: 'Save a find query as a segment (compliance, admin)',
        options: [segmentName, { name: 'filters', description: 'find words and filters, like: kyc:pending risk:>=high volume:>1000', kind: 'string', required: true, raw: true }],
      },
      { name: 'list', description: 'Segments with their sizes' },
      { name: 'show', description: 'A segment: its query and members', options: [segmentName] },
      { name: 'delete', description: 'Remove a segment (compliance, admin)', options: [segmentName] },
      { name: 'subscribe', description: 'Hear when customers enter or leave it', options: [segmentName, channel] },
      { name: 'unsubscribe', description: 'Stop hearing about it', options: [segmentName, channel] },
    ],
  },
  {
    name: 'tag',
    description: 'Add and remove a customer\'s tags (compliance, admin)',
    options: [
      { name: 'identifier', description: 'email, phone, wallet, unified id, ext:<id>, kakao:<id> or line:<id>', kind: 'string', required: true },
      { name: 'changes', description: '+tag to add, -tag to remove, like: +vip -churn', kind: 'string', required: true, raw: true },
    ],
  },
  {
    name: 'conflicts',
    description: 'Merges and links the identity guards refused (admins)',
    subcommands: [
      { name: 'list', description: 'Open conflicts, with Approve and Dismiss buttons' },
      { name: 'all', description: 'Every conflict, resolved ones too' },
      { name: 'approve', description: 'Make the refused merge or link', options: [{ name: 'id', description: 'the conflict number', kind: 'integer', required: true, min: 1 }] },
      {
        name: 'dismiss',
        description: 'Close a conflict without merging',
        options: [{ name: 'id', description: 'the conflict number', kind: 'integer', required: true, min: 1 }, { name: 'reason', description: 'why (up to 500 characters)', kind: 'string', raw: true }],
      },
    ],
  },
  { name: 'help', description: 'How to use /user360' },
];

/** The entries whose command exists in the registry, so Discord never offers what cannot run. */
export function availableSubcommands(registry: Record<string, unknown> = COMMANDS): EntrySpec[] {
  return DISCORD_SUBCOMMANDS.filter((e) => Object.hasOwn(registry, e.name));
}

/** One option of an interaction's `data`, as Discord sends it (subcommands nest theirs). */
export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: InteractionOption[];
  /** In an autocomplete request, the option being typed. */
  focused?: boolean;
}

const SUBCOMMAND = 1;
const SUBCOMMAND_GROUP = 2;
const MENTION: Partial<Record<number, (id: string) => string>> = { 6: (id) => `<@${id}>`, 7: (id) => `<#${id}>`, 8: (id) => `<@&${id}>` };

function word(o: InteractionOption, raw = false): string {
  const value = String(o.value ?? '');
  if (raw && o.type === 3) return value;
  const mention = MENTION[o.type];
  if (mention) return mention(value);
  // Quoted so a value with spaces stays one word for the text parser (it drops the quotes again).
  return /\s/.test(value) && !value.includes('"') ? `"${value}"` : value;
}

/** Values in the order the grammar wants them, whatever order the user filled them in. */
function words(spec: SubcommandSpec | undefined, given: InteractionOption[] = []): string[] {
  const order = spec?.options?.map((o) => o.name) ?? given.map((o) => o.name);
  const raw = new Set(spec?.options?.filter((o) => o.raw).map((o) => o.name));
  return order.flatMap((name) => given.filter((o) => o.name === name && o.value !== undefined && o.value !== '').map((o) => word(o, raw.has(name))));
}

/** `/user360 top range:7d n:5` → `top 7d 5`; `/user360 roles grant as:admin user:@x` → `roles grant <@x> admin`. */
export function interactionText(options: InteractionOption[] = []): string {
  const [first] = options;
  if (!first) return 'help';
  const entry = DISCORD_SUBCOMMANDS.find((e) => e.name === first.name);
  if (first.type === SUBCOMMAND_GROUP) {
    const [sub] = first.options ?? [];
    if (!sub) return first.name;
    const spec = entry?.subcommands?.find((s) => s.name === sub.name);
    return [first.name, sub.name, ...words(spec, sub.options)].join(' ');
  }
  if (first.type === SUBCOMMAND) return [first.name, ...words(entry, first.options)].join(' ');
  return 'help';
}

/** Discord shows at most 25 choices. */
const MAX_CHOICES = 25;
const RANGES = ['7d', '1d', '30d', 'all'] as const;

/** The subcommand spec and the option being typed in an autocomplete request. */
function focusedOption(options: InteractionOption[] = []): { spec?: OptionSpec; value: string } | undefined {
  const [first] = options;
  if (!first) return undefined;
  const entry = DISCORD_SUBCOMMANDS.find((e) => e.name === first.name);
  const [spec, given] = first.type === SUBCOMMAND_GROUP
    ? [entry?.subcommands?.find((s) => s.name === first.options?.[0]?.name), first.options?.[0]?.options]
    : [entry, first.options];
  const focused = given?.find((o) => o.focused);
  if (!focused) return undefined;
  return { spec: spec?.options?.find((o) => o.name === focused.name), value: String(focused.value ?? '').trim().toLowerCase() };
}

/**
 * Choices for an autocomplete request: ranges (7d, 1d, 30d, all, this month, the last whole week) and
 * days (today back over the last weeks), filtered by what was typed and the typed value itself when it
 * already reads as one. Any other option gets none: an empty list is a valid answer, a 400 is not.
 */
export function autocompleteChoices(options: InteractionOption[] | undefined, now: number): { name: string; value: string }[] {
  const f = focusedOption(options);
  if (!f?.spec?.autocomplete) return [];
  const today = gmt8Day(now);
  const days = Array.from({ length: 60 }, (_, i) => addDays(today, -i));
  const named = (value: string, name = value) => ({ name, value });
  const all =
    f.spec.autocomplete === 'day'
      ? days.map((d, i) => named(d, i === 0 ? `${d} (today, so far)` : i === 1 ? `${d} (yesterday)` : d))
      : [
          ...RANGES.map((r) => named(r, r === 'all' ? 'all (since the first record)' : `${r} (the last ${r.slice(0, -1)} day${r === '1d' ? '' : 's'}, GMT+8)`)),
          named(`${today.slice(0, 8)}01..${today}`, `${today.slice(0, 7)} (this month so far)`),
          ...days.slice(1).map((d) => named(`${d}..${d}`, d)),
        ];
  const typed = f.value;
  const matching = all.filter((c) => c.value.startsWith(typed) || c.name.toLowerCase().includes(typed));
  return matching.slice(0, MAX_CHOICES);
}
