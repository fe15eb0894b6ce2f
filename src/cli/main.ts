/**
 * `npx user360`: the operator's terminal. Every command loads what it needs when it runs (dynamic
 * imports become chunks of their own in the bundle), so a lookup does not parse the importer, the
 * seeder or the charting stack first.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { LIST_VIEWS, PROFILE_SECTIONS, type CommandResult } from '../../commands/types.ts';
import type { LookupInput } from '../../commands/lookup.ts';
import { ROLES, type Role } from '../../db/schema/constants.ts';
import pkg from '../../package.json' with { type: 'json' };
import { ConfigError } from '../config.ts';
import { AppError } from '../errors.ts';
import { addDays, gmt8Day, isValidDay, systemClock } from '../time.ts';
import { cliContext, openCli } from './context.ts';

// `user360 … | head` closes the pipe early; that is the reader's choice, not an error with a stack.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const program = new Command('user360')
  .description('User 360 from the terminal: lookups, figures and operations on the service\'s database')
  .version(pkg.version, '-V, --version', 'print the version')
  .showHelpAfterError();
const asRole = () => new Option('--as <role>', 'render as this role would see it (viewer masks personal data)').choices(ROLES).default('admin');
const positiveInt = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a positive whole number');
  return Number(v);
};
const print = (s: string): void => void process.stdout.write(`${s}\n`);
const width = () => (process.stdout.isTTY && process.stdout.columns ? Math.max(60, Math.min(160, process.stdout.columns)) : 100);

const pathOf = (cmd: Command): string => (cmd.parent ? `${pathOf(cmd.parent)} ${cmd.name()}` : cmd.name());

/** A result as text; a usage error names this command's own usage, not the chat command's. */
async function show(r: CommandResult, cmd: Command, json?: boolean) {
  const { renderText } = await import('./render.ts');
  if (r.kind === 'usage_error') {
    process.stderr.write(`${r.message}\nUsage: ${pathOf(cmd)} ${cmd.usage()}  (${pathOf(cmd)} --help for more)\n`);
    process.exitCode = 1;
    return;
  }
  print(json ? JSON.stringify(r, null, 2) : renderText(r, { width: width() }));
}

program
  .command('lookup')
  .description('a customer\'s whole profile, every section (personal data shown unless --as viewer)')
  .argument('<identifier...>', 'email, phone (any spelling), wallet, unified id, ext:<id>, kakao:<id>, line:<id>, type:value')
  .addOption(asRole())
  .addOption(new Option('--section <section>', 'one section only, or one list a page at a time (tags, identifiers, wallets, tasks, transactions)').choices([...new Set([...PROFILE_SECTIONS, ...LIST_VIEWS, 'card'])]))
  .option('--page <n>', 'the page of a list section, 10 items a page (default 1)', positiveInt)
  .option('--json', 'print the result model as JSON')
  .addHelpText('after', '\nExamples:\n  npx user360 lookup alice@example.com\n  npx user360 lookup ext:c-1001 --section tags --page 2\n  npx user360 lookup u_01J… --section transactions --page 3 --json')
  .action(async (words: string[], o: { as: Role; section?: LookupInput['section']; page?: number; json?: boolean }, cmd: Command) => {
    if (o.page !== undefined && !LIST_VIEWS.includes(o.section as never)) throw new AppError('invalid_page', `--page goes with a list section: --section ${LIST_VIEWS.join('|')}`);
    const [env, { lookup }] = await Promise.all([openCli(), import('../../commands/lookup.ts')]);
    const r = await lookup({ identifier: words.join(' '), section: o.section, page: o.page }, cliContext(env, o.as));
    await show(r, cmd, o.json);
    if (r.kind !== 'profile' && r.kind !== 'profile_list') process.exitCode = 1;
  });

program
  .command('wallet')
  .description('on-chain facts of any EVM address from the store (holdings, net worth, recent transfers, screening) and the customer holding it')
  .argument('<address>', 'an EVM address, 0x and 40 hex digits')
  .addOption(asRole())
  .option('--json', 'print the result model as JSON')
  .action(async (address: string, o: { as: Role; json?: boolean }, cmd: Command) => {
    const [env, { wallet }] = await Promise.all([openCli(), import('../../commands/wallet.ts')]);
    const r = await wallet({ address }, cliContext(env, o.as));
    await show(r, cmd, o.json);
  });

for (const [name, args, summary] of [
  ['metrics', '[range]', 'compliance and AssetPro figures of whole GMT+8 days: all, 1d, 7d (default), 30d or YYYY-MM-DD..YYYY-MM-DD'],
  ['top', '[range] [n]', 'top customers by transaction volume (default 30d 10)'],
] as const) {
  program
    .command(name)
    .arguments(args)
    .description(summary)
    .addOption(asRole())
    .option('--json', 'print the result model as JSON')
    .action(async (...a: unknown[]) => {
      const cmd = a.at(-1) as Command;
      const o = cmd.opts<{ as: Role; json?: boolean }>();
      const words = a.filter((x): x is string => typeof x === 'string');
      const [env, { runCommandText }] = await Promise.all([openCli(), import('../../commands/index.ts')]);
      await show(await runCommandText([name, ...words].join(' '), cliContext(env, o.as)), cmd, o.json);
    });
}

program
  .command('find')
  .argument('[query...]', 'words (name, email, phone, external id, wallet, unified id prefixes) and filters like kyc:pending risk:>=high volume:>1000')
  .description('customers without an exact identifier, ten a page by 30-day volume')
  .addOption(asRole())
  .option('--cursor <cursor>', 'the page a previous answer pointed to')
  .option('--json', 'print the result model as JSON')
  .option('--csv', 'every matching customer as CSV (as the role sees them)')
  .action(async (words: string[], o: { as: Role; cursor?: string; json?: boolean; csv?: boolean }, cmd: Command) => {
    const [env, { find }, { findCsv }] = await Promise.all([openCli(), import('../../commands/find.ts'), import('./find-text.ts')]);
    const ctx = cliContext(env, o.as);
    let r = await find({ query: words, cursor: o.cursor }, ctx);
    if (r.kind !== 'find') {
      await show(r, cmd);
      process.exitCode = 1;
      return;
    }
    if (!o.csv) return show(r, cmd, o.json);
    // An export walks the pages through the same cursors chat uses, so it shows exactly what find shows.
    const rows = [...r.rows];
    while (r.kind === 'find' && r.nextCursor) {
      r = await find({ query: r.query, cursor: r.nextCursor }, ctx);
      if (r.kind === 'find') rows.push(...r.rows);
    }
    print(findCsv(rows));
  });

// Segments and tags run through the same commands as chat; the terminal is an admin unless --as says otherwise.
const segmentCmd = program.command('segment').description('saved find queries: create, list, show, delete, and who hears when members change');
const runSegment = async (input: import('../../commands/segment.ts').SegmentInput, role: Role, cmd: Command, json?: boolean) => {
  const [env, { segment }] = await Promise.all([openCli({ create: input.action !== 'list' && input.action !== 'show' }), import('../../commands/segment.ts')]);
  const r = await segment(input, cliContext(env, role));
  await show(r, cmd, json);
  if (r.kind === 'usage_error' || (r.kind === 'notice' && !r.ok)) process.exitCode = 1;
};
segmentCmd
  .command('create')
  .description('save a find query as a segment; membership is computed now and every SEGMENT_REFRESH_SECONDS')
  .argument('<name>', 'a-z, 0-9, _ and -, up to 40')
  .argument('<filters...>', 'find words and filters, like kyc:pending risk:>=high')
  .addOption(asRole())
  .action((name: string, filter: string[], o: { as: Role }, cmd: Command) => runSegment({ action: 'create', name, filter }, o.as, cmd));
segmentCmd.command('list').description('every segment with its size').option('--json', 'print the result model as JSON').addOption(asRole())
  .action((o: { as: Role; json?: boolean }, cmd: Command) => runSegment({ action: 'list' }, o.as, cmd, o.json));
segmentCmd.command('show').description('a segment: its query, its size and its members, ten a page').argument('<name>')
  .option('--cursor <cursor>', 'the page a previous answer pointed to').option('--json', 'print the result model as JSON').addOption(asRole())
  .action((name: string, o: { as: Role; cursor?: string; json?: boolean }, cmd: Command) => runSegment({ action: 'show', name, cursor: o.cursor }, o.as, cmd, o.json));
segmentCmd.command('delete').description('remove a segment with its members, history and subscriptions').argument('<name>').addOption(asRole())
  .action((name: string, o: { as: Role }, cmd: Command) => runSegment({ action: 'delete', name }, o.as, cmd));
for (const action of ['subscribe', 'unsubscribe'] as const) {
  segmentCmd.command(action).description(action === 'subscribe' ? 'post changes of a segment to a Slack or Discord channel' : 'stop posting changes of a segment to a channel')
    .argument('<name>').option('--slack <channel-id>', 'a Slack channel id, like C0123456').option('--discord <channel-id>', 'a Discord channel id').addOption(asRole())
    .action((name: string, o: { as: Role; slack?: string; discord?: string }, cmd: Command) => {
      if (Boolean(o.slack) === Boolean(o.discord)) throw new AppError('invalid_target', `segment ${action} needs exactly one of --slack <channel-id> or --discord <channel-id>`);
      const channel = (o.slack ?? o.discord)!;
      if (!/^[A-Z0-9]{1,40}$/i.test(channel)) throw new AppError('invalid_target', `"${channel.slice(0, 40)}" is not a channel id`);
      return runSegment({ action, name, channel, platform: o.slack ? 'slack' : 'discord' }, o.as, cmd);
    });
}

program
  .command('tag')
  .description('add (+tag) and remove (-tag) tags of a customer; audited. Put -- before the changes when one starts with -')
  .argument('<identifier>', 'email, phone, wallet, unified id, ext:<id>, …')
  .argument('<changes...>', '+tag to add, -tag to remove')
  .addOption(asRole())
  .allowUnknownOption()
  .action(async (identifier: string, changes: string[], o: { as: Role }, cmd: Command) => {
    const [env, { tag, tagArgs }] = await Promise.all([openCli(), import('../../commands/tag.ts')]);
    const parsed = tagArgs.safeParse([identifier, ...changes]);
    const r = parsed.success ? await tag(parsed.data, cliContext(env, o.as)) : ({ kind: 'usage_error', message: parsed.error.issues[0]!.message, usage: [] } as const);
    await show(r, cmd);
    if (r.kind !== 'notice' || !r.ok) process.exitCode = 1;
  });

const keys = program.command('keys').description('API keys for the /v1 ingest and read API');
keys
  .command('create')
  .description('make a key; it is printed once, as the last line, and stored hashed')
  .argument('<name>', 'who the key is for, e.g. kyc-provider')
  .action(async (name: string) => {
    const [env, { createKey }] = await Promise.all([openCli({ create: true }), import('../../commands/keys.ts')]);
    const k = await createKey(name, { store: env.store, clock: systemClock });
    print(`Created API key "${k.name}". It is shown only this once; only its hash is stored.`);
    print(k.key);
  });
keys
  .command('list')
  .description('every key with its prefix, when it was made and revoked')
  .action(async () => {
    const [env, { listKeys }, { formatGmt8 }] = await Promise.all([openCli(), import('../../commands/keys.ts'), import('../time.ts')]);
    const rows = await listKeys(env);
    if (!rows.length) return print('No API keys yet. Make one with: npx user360 keys create <name>');
    const w = Math.max(...rows.map((k) => k.name.length));
    for (const k of rows) print(`${k.name.padEnd(w)}  ${k.prefix}…  created ${formatGmt8(k.createdAt)}${k.revokedAt ? `  revoked ${formatGmt8(k.revokedAt)}` : ''}`);
  });
keys
  .command('revoke')
  .description('stop a key from working at once')
  .argument('<name>')
  .action(async (name: string) => {
    const [env, { revokeKey }] = await Promise.all([openCli(), import('../../commands/keys.ts')]);
    if (!(await revokeKey(name, { store: env.store, clock: systemClock }))) throw new AppError('not_found', `no active API key named "${name}"`);
    print(`Revoked "${name}".`);
  });

program
  .command('split')
  .argument('<unified-id>', 'the customer that was merged into another (see "Merged from" in its profile)')
  .option('--by <name>', 'who is splitting, for the merge log')
  .description('undo a merge: the customer and what it brought answer to their own unified ID again')
  .action(async (id: string, o: { by?: string }) => {
    const [env, { splitMerge }, { systemClock }] = await Promise.all([openCli(), import('../../commands/operator.ts'), import('../time.ts')]);
    const by = o.by ?? cliContext(env).caller.userId;
    const r = await splitMerge(id, by, { store: env.store, clock: systemClock });
    print(`Split ${r.restored} from ${r.from} (merge #${r.mergeId}). They will not be merged again automatically.`);
  });

program
  .command('import')
  .description('bulk load an NDJSON file, one transaction per batch; importing it again stores no record with an id twice')
  .argument('<file>', 'NDJSON, one record per line, the shapes of POST /v1/batch')
  .option('--batch-size <n>', 'records per transaction (default: about 2% of the file, 100 to 5,000)', positiveInt)
  .option('--no-progress', 'no progress bar')
  .action(async (file: string, o: { batchSize?: number; progress: boolean }) => {
    const [env, { importNdjson }, { progressBar }, { systemClock }] = await Promise.all([
      openCli({ create: true }), import('../../commands/import.ts'), import('./import-report.ts'), import('../time.ts'),
    ]);
    const bar = o.progress && process.stderr.isTTY ? await progressBar() : undefined;
    const report = await importNdjson({ store: env.store, identity: env.config.identity, clock: systemClock }, file, { batchSize: o.batchSize, onProgress: bar?.update });
    bar?.stop();
    const { importSummary } = await import('./import-report.ts');
    const { out, err } = importSummary(report);
    if (out) print(out);
    if (err) process.stderr.write(`${err}\n`);
    if (report.badLines) process.exitCode = 1;
  });

program
  .command('seed')
  .description('load the demo data set (deterministic for a seed)')
  .option('--customers <n>', 'how many demo customers', positiveInt, 1000)
  .option('--seed <n>', 'random seed', positiveInt, 360)
  .action(async (o: { customers: number; seed: number }) => {
    const [env, { seedDemoData }] = await Promise.all([openCli({ create: true }), import('../../commands/seed.ts')]);
    const r = await seedDemoData({ customers: o.customers, seed: o.seed }, { store: env.store, identity: env.config.identity, clock: systemClock });
    print(`Seeded ${r.accepted} record(s) for ${o.customers} demo customers (${r.duplicates} were already there).`);
  });

const conflictId = (v: string) => {
  if (!/^#?\d{1,12}$/.test(v)) throw new InvalidArgumentError('a conflict id is a number, like 12 (see npx user360 conflicts)');
  return v.replace('#', '');
};
/** Runs `conflicts …` through the same command chat runs; a decision prints what it did, and fails with 1 when it did nothing. */
async function conflictsRun(words: string[], cmd: Command) {
  const [env, { conflicts, conflictsArgs }, { parseArgs }] = await Promise.all([openCli(), import('../../commands/conflicts.ts'), import('../../commands/parse.ts')]);
  const r = await conflicts(parseArgs(conflictsArgs, words), cliContext(env));
  const decided = words[0] !== 'list';
  await show(r.kind === 'conflicts' && decided ? { ...r, rows: [] } : r, cmd);
  if (r.kind !== 'conflicts' || r.outcome?.ok === false) process.exitCode = 1;
}
const conflictsCmd = program
  .command('conflicts')
  .description('links and merges the identity guards refused, for review: list (default), approve, dismiss')
  .option('--all', 'include resolved ones')
  .action((o: { all?: boolean }, cmd: Command) => conflictsRun(['list', ...(o.all ? ['all'] : [])], cmd));
conflictsCmd
  .command('approve')
  .description('make the merge (or link) the guards refused, through the identity rules, in one transaction (audited)')
  .argument('<id>', 'the conflict\'s number (#12 in the list)', conflictId)
  .action((id: string, _o: unknown, cmd: Command) => conflictsRun(['approve', id], cmd));
conflictsCmd
  .command('dismiss')
  .description('close a conflict without merging (audited)')
  .argument('<id>', 'the conflict\'s number (#12 in the list)', conflictId)
  .option('--reason <text>', 'why (up to 500 characters)')
  .action((id: string, o: { reason?: string }, cmd: Command) => conflictsRun(['dismiss', id, ...(o.reason !== undefined ? [o.reason] : [])], cmd));

const digestCmd = program.command('digest').description('the 23:59 GMT+8 daily digest');
digestCmd
  .command('preview')
  .description('the digest of a day as text; today\'s is the day so far')
  .option('--date <YYYY-MM-DD>', 'the GMT+8 day (default today)')
  .option('--png <file>', 'also write the 30-day volume chart to this PNG file')
  .action(async (o: { date?: string; png?: string }, cmd: Command) => {
    const today = gmt8Day(Date.now());
    if (o.date !== undefined && !isValidDay(o.date)) throw new AppError('invalid_date', `--date takes a day like ${addDays(today, -1)}, not "${o.date}"`);
    const [env, { runCommandText }] = await Promise.all([openCli(), import('../../commands/index.ts')]);
    const r = await runCommandText(`digest preview ${o.date ?? ''}`, cliContext(env));
    await show(r, cmd);
    if (r.kind !== 'digest') return;
    if (!o.png) return print('\n(add --png <file> to write the 30-day chart)');
    const [{ writeFileSync }, { digestChartPng }] = await Promise.all([import('node:fs'), import('../../commands/digest-chart.ts')]);
    writeFileSync(o.png, await digestChartPng(r.digest));
    print(`\nChart written to ${o.png}`);
  });

const screening = program.command('screening').description('addresses compliance watches: a transfer with a customer raises an exposure alert');
const operator = (env: Awaited<ReturnType<typeof openCli>>) => cliContext(env).caller.userId;
screening
  .command('add')
  .description('watch an address (audited)')
  .argument('<address>', 'an EVM address')
  .argument('[label...]', 'why it is watched, e.g. "OFAC SDN"')
  .action(async (address: string, label: string[]) => {
    const [env, { addScreened }] = await Promise.all([openCli({ create: true }), import('../onchain/screening.ts')]);
    print(`Screening ${await addScreened(env.store, address, label.join(' '), operator(env), Date.now())}.`);
  });
screening
  .command('import')
  .description('watch every address of a CSV file; one bad line refuses the whole file')
  .argument('<file.csv>', 'address,label lines')
  .action(async (file: string) => {
    const [env, { importScreened }, { readFileSync }] = await Promise.all([openCli({ create: true }), import('../onchain/screening.ts'), import('node:fs')]);
    print(`Imported ${await importScreened(env.store, readFileSync(file, 'utf8'), operator(env), Date.now())} screened address(es).`);
  });
screening
  .command('list')
  .description('every watched address, with who added it and when')
  .action(async () => {
    const [env, { listScreened }, { formatGmt8 }] = await Promise.all([openCli(), import('../onchain/screening.ts'), import('../time.ts')]);
    const rows = await listScreened(env.store.db);
    if (!rows.length) print('No screened addresses. Add one with: npx user360 screening add <address> [label]');
    for (const r of rows) print(`${r.address}  ${r.label ?? ''}  (added ${formatGmt8(r.addedAt)} by ${r.addedBy})`);
  });
screening
  .command('remove')
  .description('stop watching an address (audited)')
  .argument('<address>', 'an EVM address')
  .action(async (address: string) => {
    const [env, { removeScreened }] = await Promise.all([openCli(), import('../onchain/screening.ts')]);
    const gone = await removeScreened(env.store, address, operator(env), Date.now());
    print(gone ? `No longer screening ${address.trim()}.` : `${address.trim()} was not screened.`);
    if (!gone) process.exitCode = 1;
  });

const alertsCmd = program.command('alerts').description('compliance alerts (subscribing is done in Slack or Discord)');
alertsCmd
  .command('failed')
  .description('alert deliveries that were given up, with the last error')
  .action(async () => {
    const [env, { failedAlertDeliveries }, { formatGmt8 }] = await Promise.all([openCli(), import('../../commands/deliveries.ts'), import('../time.ts')]);
    const rows = await failedAlertDeliveries(env);
    if (!rows.length) return print('No failed alert deliveries.');
    for (const r of rows) print(`alert #${r.subject} -> ${r.platform} ${r.target}  ${r.attempts} attempt(s), made ${formatGmt8(r.createdAt)}: ${r.lastError ?? 'no error recorded'}`);
  });
const alertId = (v: string) => {
  if (!/^#?\d{1,12}$/.test(v)) throw new InvalidArgumentError('an alert id is a number, like 12 (the # on the alert)');
  return Number(v.replace('#', ''));
};
/** The alert buttons' command, as the operator (admin); prints the alert as it now stands. */
async function alertRun(input: import('../../commands/acknowledge.ts').AlertActionInput, cmd: Command) {
  const [env, { alertAction }] = await Promise.all([openCli(), import('../../commands/acknowledge.ts')]);
  const r = await alertAction(input, cliContext(env));
  await show(r, cmd);
  if (r.kind !== 'alert' || r.refused) process.exitCode = 1;
}
alertsCmd
  .command('claim')
  .description('take an alert: the first claim is kept, shown on its messages (audited)')
  .argument('<id>', 'the alert\'s number', alertId)
  .action((id: number, _o: unknown, cmd: Command) => alertRun({ alertId: id, action: 'claim' }, cmd));
alertsCmd
  .command('resolve')
  .description('close an alert with a note of how (audited)')
  .argument('<id>', 'the alert\'s number', alertId)
  .argument('<note...>', 'how it was resolved (1 to 500 characters)')
  .action((id: number, note: string[], _o: unknown, cmd: Command) => alertRun({ alertId: id, action: 'resolve', note: note.join(' ') }, cmd));
alertsCmd
  .command('snooze')
  .description('hold an alert; when the snooze ends it is sent again to whoever got it, unless resolved (audited)')
  .argument('<id>', 'the alert\'s number', alertId)
  .argument('[for]', 'how long: 1h to 7d, like 1h, 4h, 1d (default 4h)', '4h')
  .action((id: number, d: string, _o: unknown, cmd: Command) => alertRun({ alertId: id, action: 'snooze', snoozeFor: d }, cmd));

program
  .command('audit')
  .description('who looked up whom')
  .option('--since <when>', 'a duration like 24h or 7d, or an ISO date', '7d')
  .action(async (o: { since: string }) => {
    const rel = /^(\d+)([hd])$/.exec(o.since);
    const since = rel ? Date.now() - Number(rel[1]) * (rel[2] === 'h' ? 3_600_000 : 86_400_000) : Date.parse(o.since);
    if (Number.isNaN(since)) throw new AppError('invalid_since', `--since takes 24h, 7d or an ISO date, not "${o.since}"`);
    const [env, { auditTrail }, { formatGmt8 }, { identifierLabel }] = await Promise.all([openCli(), import('../../commands/operator.ts'), import('../time.ts'), import('../render/format.ts')]);
    const rows = await auditTrail(since, env);
    if (!rows.length) return print('No lookups in that time.');
    for (const r of rows) {
      const what = r.identifierType ? `${identifierLabel(r.identifierType)} ${r.identifier ?? '(masked)'}` : '';
      print(`${formatGmt8(r.at)}  ${r.platform.padEnd(7)} ${r.callerId.padEnd(14)} ${(r.channelId ?? '-').padEnd(12)} ${r.command.padEnd(18)} ${what} -> ${r.unifiedId ?? 'not found'}`);
    }
  });

try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof AppError || e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  } else throw e;
}
