import { Command, InvalidArgumentError, Option } from 'commander';
import { runCommandText } from '../../commands/index.ts';
import { lookup, sectionSchema } from '../../commands/lookup.ts';
import { ROLES, type Role } from '../../db/schema/constants.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.ts';
import { ConfigError } from '../config.ts';
import { AppError } from '../errors.ts';
import { auditTrail, identityConflicts, splitMerge } from '../../commands/operator.ts';
import { digestText, renderText } from './render.ts';
import { seedDemo } from '../seed/demo.ts';
import { formatGmt8, gmt8Day, isValidDay, systemClock } from '../time.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { addScreened, importScreened, listScreened, removeScreened } from '../onchain/screening.ts';
import { failedDeliveries } from '../delivery/deliveries.ts';
import { volumeChartPng } from '../digest/chart.ts';
import { buildDigest } from '../digest/model.ts';
import { cliContext, openCli } from './context.ts';
import { ImportError, importNdjson } from './import.ts';
import { find } from '../../commands/find.ts';
import { findCsv } from './find-text.ts';

const program = new Command('user360').description('User 360 from the terminal: the same commands as /user360 in Slack and Discord').showHelpAfterError();
const asRole = new Option('--as <role>', 'render as this role would see it (viewer masks personal data)').choices(ROLES).default('admin');
const positiveInt = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a positive whole number');
  return Number(v);
};
const print = (s: string): void => void process.stdout.write(`${s}\n`);

program
  .command('lookup')
  .argument('<identifier...>', 'email, phone, wallet, unified id, ext:<id>, kakao:<id>, line:<id>')
  .addOption(asRole)
  .option('--section <section>', `one section only: ${sectionSchema.options.join(', ')}`)
  .option('--json', 'print the result model as JSON')
  .action(async (words: string[], o: { as: Role; section?: string; json?: boolean }) => {
    const env = await openCli();
    const section = o.section === undefined ? undefined : sectionSchema.parse(o.section);
    const r = await lookup({ identifier: words.join(' '), section }, cliContext(env, o.as));
    print(o.json ? JSON.stringify(r, null, 2) : renderText(r));
    if (r.kind !== 'profile') process.exitCode = 1;
  });

for (const [name, args, summary] of [
  ['metrics', '[range]', 'compliance and AssetPro figures: all, 1d, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD'],
  ['top', '[range] [n]', 'top customers by transaction volume (default 30d 10)'],
] as const) {
  program
    .command(name)
    .arguments(args)
    .description(summary)
    .addOption(asRole)
    .option('--json', 'print the result model as JSON')
    .action(async (...a: unknown[]) => {
      const o = a.find((x) => typeof x === 'object' && x !== null && !Array.isArray(x) && 'as' in x) as { as: Role; json?: boolean };
      const words = a.filter((x): x is string => typeof x === 'string');
      const env = await openCli();
      const r = await runCommandText([name, ...words].join(' '), cliContext(env, o.as));
      print(o.json ? JSON.stringify(r, null, 2) : renderText(r));
      if (r.kind === 'usage_error') process.exitCode = 1;
    });
}

program
  .command('find')
  .argument('[query...]', 'words (name, email, phone, external id, wallet, unified id prefixes) and filters like kyc:pending risk:>=high volume:>1000')
  .description('customers without an exact identifier, ten a page by 30-day volume')
  .addOption(asRole)
  .option('--cursor <cursor>', 'the page a previous answer pointed to')
  .option('--json', 'print the result model as JSON')
  .option('--csv', 'every matching customer as CSV (as the role sees them)')
  .action(async (words: string[], o: { as: Role; cursor?: string; json?: boolean; csv?: boolean }) => {
    const env = await openCli();
    const ctx = cliContext(env, o.as);
    let r = await find({ query: words, cursor: o.cursor }, ctx);
    if (r.kind !== 'find') {
      process.stderr.write(`${renderText(r)}\n`);
      process.exitCode = 1;
      return;
    }
    if (!o.csv) return print(o.json ? JSON.stringify(r, null, 2) : renderText(r));
    // An export walks the pages through the same cursors chat uses, so it shows exactly what find shows.
    const rows = [...r.rows];
    while (r.kind === 'find' && r.nextCursor) {
      r = await find({ query: r.query, cursor: r.nextCursor }, ctx);
      if (r.kind === 'find') rows.push(...r.rows);
    }
    print(findCsv(rows));
  });

const keys = program.command('keys').description('API keys for the /v1 ingest and read API');
keys
  .command('create')
  .argument('<name>', 'who the key is for, e.g. kyc-provider')
  .action(async (name: string) => {
    const env = await openCli();
    const k = await createApiKey(env.store, name, Date.now());
    print(`Created API key "${k.name}". It is shown only this once; only its hash is stored.`);
    print(k.key);
  });
keys.command('list').action(async () => {
  const env = await openCli();
  for (const k of await listApiKeys(env.store.db)) print(`${k.name.padEnd(24)} ${k.prefix}…  created ${formatGmt8(k.createdAt)}${k.revokedAt ? `  revoked ${formatGmt8(k.revokedAt)}` : ''}`);
});
keys
  .command('revoke')
  .argument('<name>')
  .action(async (name: string) => {
    const env = await openCli();
    if (!(await revokeApiKey(env.store, name, Date.now()))) throw new AppError('not_found', `no active API key named "${name}"`);
    print(`Revoked "${name}".`);
  });

program
  .command('split')
  .argument('<unified-id>', 'the customer that was merged into another (see "Merged from" in its profile)')
  .option('--by <name>', 'who is splitting, for the merge log')
  .description('undo a merge: the customer and what it brought answer to their own unified ID again')
  .action(async (id: string, o: { by?: string }) => {
    const env = await openCli();
    const by = o.by ?? cliContext(env).caller.userId;
    const r = await splitMerge(id, by, { store: env.store, clock: systemClock });
    print(`Split ${r.restored} from ${r.from} (merge #${r.mergeId}). They will not be merged again automatically.`);
  });

program
  .command('import')
  .argument('<file>', 'NDJSON, one record per line, the shapes of POST /v1/batch')
  .option('--batch-size <n>', 'records per transaction', positiveInt, 5000)
  .option('--no-progress', 'no progress bar')
  .action(async (file: string, o: { batchSize: number; progress: boolean }) => {
    const env = await openCli();
    const started = performance.now();
    try {
      const s = await importNdjson({ store: env.store, identity: env.config.identity, clock: systemClock }, file, { batchSize: o.batchSize, progress: o.progress && process.stderr.isTTY });
      const secs = (performance.now() - started) / 1000;
      print(`Imported ${s.accepted} new record(s), ${s.duplicates} already stored, ${s.ignored} with only placeholder identifiers; ${Math.round((s.accepted + s.duplicates) / secs)} records/s.`);
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      process.stderr.write(`${e.message}\n${e.issues.slice(0, 50).map((i) => `  line ${i.line}: ${i.path}: ${i.message}`).join('\n')}\n`);
      process.stderr.write(`Stored before the bad batch: ${e.summary.accepted} record(s). Fix the lines and run again; stored records are not duplicated.\n`);
      process.exitCode = 1;
    }
  });

program
  .command('seed')
  .description('load the demo data set (deterministic for a seed)')
  .option('--customers <n>', 'how many demo customers', positiveInt, 1000)
  .option('--seed <n>', 'random seed', positiveInt, 360)
  .action(async (o: { customers: number; seed: number }) => {
    const env = await openCli();
    const r = await seedDemo({ store: env.store, identity: env.config.identity, clock: systemClock }, o.customers, o.seed);
    print(`Seeded ${r.accepted} record(s) for ${o.customers} demo customers (${r.duplicates} were already there).`);
  });

program
  .command('conflicts')
  .description('links and merges the identity guards refused, for review')
  .option('--all', 'include resolved ones')
  .action(async (o: { all?: boolean }) => {
    const env = await openCli();
    const rows = await identityConflicts(o, env);
    if (!rows.length) return print('No identity conflicts to review.');
    for (const c of rows) {
      const id = c.identifierType ? `  ${c.identifierType} ${c.identifierShown}` : '';
      print(`#${c.id} ${formatGmt8(c.createdAt)}  ${c.kind}  ${c.customerIds.join(' / ')}${id}\n    ${c.detail}${c.recordId ? ` (record ${c.recordType} ${c.recordId})` : ''}`);
    }
  });

const digestCmd = program.command('digest').description('the 23:59 GMT+8 daily digest');
digestCmd
  .command('preview')
  .option('--date <YYYY-MM-DD>', 'the GMT+8 day (default today)')
  .option('--png <file>', 'where to write the 30-day chart', 'digest-chart.png')
  .action(async (o: { date?: string; png: string }) => {
    const env = await openCli();
    const day = o.date ?? gmt8Day(Date.now());
    if (!isValidDay(day)) throw new AppError('invalid_date', `--date takes a day like 2026-11-24, not "${day}"`);
    const d = await buildDigest(env.store.db, day, Date.now());
    print(digestText(d));
    writeFileSync(o.png, await volumeChartPng(d.series, `Transaction volume, 30 days to ${day} (USDT)`));
    print(`\nChart written to ${o.png}`);
  });

const screening = program.command('screening').description('addresses compliance watches: a transfer with a customer raises an exposure alert');
const operator = (env: Awaited<ReturnType<typeof openCli>>) => cliContext(env).caller.userId;
screening
  .command('add')
  .argument('<address>', 'an EVM address')
  .argument('[label...]', 'why it is watched, e.g. "OFAC SDN"')
  .action(async (address: string, label: string[]) => {
    const env = await openCli();
    print(`Screening ${await addScreened(env.store, address, label.join(' '), operator(env), Date.now())}.`);
  });
screening
  .command('import')
  .argument('<file.csv>', 'address,label lines')
  .action(async (file: string) => {
    const env = await openCli();
    print(`Imported ${await importScreened(env.store, readFileSync(file, 'utf8'), operator(env), Date.now())} screened address(es).`);
  });
screening.command('list').action(async () => {
  const env = await openCli();
  const rows = await listScreened(env.store.db);
  if (!rows.length) print('No screened addresses. Add one with: npx user360 screening add <address> [label]');
  for (const r of rows) print(`${r.address}  ${r.label ?? ''}  (added ${formatGmt8(r.addedAt)} by ${r.addedBy})`);
});
screening
  .command('remove')
  .argument('<address>', 'an EVM address')
  .action(async (address: string) => {
    const env = await openCli();
    const gone = await removeScreened(env.store, address, operator(env), Date.now());
    print(gone ? `No longer screening ${address.trim()}.` : `${address.trim()} was not screened.`);
    if (!gone) process.exitCode = 1;
  });

const alertsCmd = program.command('alerts').description('compliance alerts');
alertsCmd
  .command('failed')
  .description('alert deliveries that were given up, with the last error')
  .action(async () => {
    const env = await openCli();
    const rows = await failedDeliveries(env.store.db, 'alert');
    if (!rows.length) return print('No failed alert deliveries.');
    for (const r of rows) print(`alert #${r.subject} -> ${r.platform} ${r.target}  ${r.attempts} attempt(s), made ${formatGmt8(r.createdAt)}: ${r.lastError ?? 'no error recorded'}`);
  });

program
  .command('audit')
  .description('who looked up whom')
  .option('--since <when>', 'a duration like 24h or 7d, or an ISO date', '7d')
  .action(async (o: { since: string }) => {
    const env = await openCli();
    const rel = /^(\d+)([hd])$/.exec(o.since);
    const since = rel ? Date.now() - Number(rel[1]) * (rel[2] === 'h' ? 3_600_000 : 86_400_000) : Date.parse(o.since);
    if (Number.isNaN(since)) throw new AppError('invalid_since', `--since takes 24h, 7d or an ISO date, not "${o.since}"`);
    const rows = await auditTrail(since, env);
    if (!rows.length) return print('No lookups in that time.');
    for (const r of rows) {
      print(`${formatGmt8(r.at)}  ${r.platform.padEnd(7)} ${r.callerId.padEnd(14)} ${(r.channelId ?? '-').padEnd(12)} ${r.command.padEnd(18)} ${(r.identifierType ?? '').padEnd(11)} ${r.identifier ?? '(masked)'} -> ${r.unifiedId ?? 'not found'}`);
    }
  });

try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof AppError || e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  } else if (e instanceof Error && e.name === 'ZodError') {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  } else throw e;
}
