import cron from 'node-cron';
import * as z from 'zod';
import { isValidPhoneRegion } from './identity/regions.ts';
import { priceFeeds, rpcUrls, startBlocks, tokens, type EvmChain } from './onchain/settings.ts';

/** The only reader of process.env. Optional integrations switch on when their settings are present. */
const list = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((v) => v.trim()).filter(Boolean));

const limitList = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const limits: Record<string, number> = {};
    for (const part of (s ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = /^([a-z_]+)=(\d+)$/.exec(part);
      if (!m || Number(m[2]) < 1) {
        ctx.addIssue({ code: 'custom', message: `expected type=number pairs like "email=5,wallet=50", got "${part}"` });
        return z.NEVER;
      }
      limits[m[1]!] = Number(m[2]);
    }
    return limits;
  });

/** The embedded file `npm start` and `npx user360` share when DATABASE_URL is not set (relative to the folder they run in). */
export const DEFAULT_DATABASE_URL = 'file:./data/user360.db';

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .refine((u) => /^(file|libsql|https?|wss?):/.test(u), 'must start with file:, libsql://, http(s):// or ws(s)://'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  DATABASE_SYNC_URL: z
    .string()
    .refine((u) => /^(libsql|https?|wss?):\/\//.test(u), 'must be the libSQL server to sync from: libsql://, http(s):// or ws(s)://')
    .optional(),
  DATABASE_SYNC_INTERVAL: z.coerce.number().positive().max(86_400).default(10),
  DATABASE_TIMEOUT: z.coerce.number().positive().max(600).default(10),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_PHONE_REGION: z
    .string()
    .default('TW')
    .transform((r) => r.toUpperCase())
    .refine(isValidPhoneRegion, 'must be a two-letter region code libphonenumber knows, like TW or US'),
  BLOCKED_IDENTIFIERS: list,
  IDENTIFIER_LIMITS: limitList,
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  SEED_DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
  // Off by default: on 2 cores the thread took the core the main thread's lookups needed, and ~60 MB
  // more memory (BENCHMARKS.md, "The ingest thread" in the section of 2026-12-02 15:00–16:00Z); `on`
  // gives single lookups lower latency beside ingest where there are cores to spare.
  INGEST_THREAD: z.enum(['on', 'off']).default('off'),

  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_ADMINS: list,
  SLACK_API_URL: z.url().optional(),

  DISCORD_PUBLIC_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the 64-character hex public key of the application').optional(),
  DISCORD_BOT_TOKEN: z.string().min(1).optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'must be the numeric application id').optional(),
  DISCORD_GUILD_ID: z.string().regex(/^\d+$/, 'must be a numeric guild id').optional(),
  DISCORD_ADMINS: list,
  DISCORD_API_URL: z.url().optional(),

  // A value that is set is checked; the defaults are known good and skip the check (zod returns a
  // default without parsing it): the first time-zone lookup starts ICU's zone data, 15 ms of every
  // terminal command, which never schedules a digest.
  DIGEST_CRON: z.string().refine((c) => cron.validate(c), 'must be a cron expression like "59 23 * * *"').default('59 23 * * *'),
  DIGEST_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone like Asia/Taipei').default('Asia/Taipei'),
  SEGMENT_REFRESH_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),

  EVM_RPC_URLS: rpcUrls,
  EVM_TOKENS: tokens,
  EVM_CONFIRMATIONS: z.coerce.number().int().min(0).max(1000).default(2),
  EVM_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(4000),
  EVM_START_BLOCK: startBlocks,
  /** How old an enrichment reading may get before the chain loop reads it again on its own. */
  EVM_REFRESH_MS: z.coerce.number().int().min(1000).default(300_000),
  /** How old a reading may be before a lookup asks for a fresh one now; by default 15 polls, never above EVM_REFRESH_MS. */
  EVM_STALE_MS: z.coerce.number().int().min(1000).optional(),
  /** Blocks per eth_getLogs request: providers cap the range, and wide ranges are slower than chunks. */
  EVM_LOG_WINDOW: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** How long a chain's lease outlives its holder's last renewal before another instance takes over. */
  EVM_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  /** How long one JSON-RPC request may go unanswered before it counts as failed (and is retried, then backed off). */
  EVM_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  PRICE_FEEDS: priceFeeds,
});

export const DEFAULT_IDENTIFIER_LIMITS: Record<string, number> = { external_id: 1, email: 5, phone: 5, wallet: 50 };
/** Types with no configured limit share this one so no customer can collect identifiers without bound. */
export const FALLBACK_IDENTIFIER_LIMIT = 20;

export function parseConfig(env: Record<string, string | undefined>) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Bad configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DATABASE_SYNC_URL && !e.DATABASE_URL.startsWith('file:')) {
    throw new ConfigError('Bad configuration:\n  DATABASE_SYNC_URL: an embedded replica needs DATABASE_URL=file:<local copy>; to use the server directly, put its URL in DATABASE_URL instead');
  }
  const limits: Record<string, number> = { ...DEFAULT_IDENTIFIER_LIMITS, ...e.IDENTIFIER_LIMITS, external_id: 1 };
  return {
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    /** Store options: the embedded replica's server and pull interval, the per-request bound (ms). */
    database: {
      syncUrl: e.DATABASE_SYNC_URL,
      syncInterval: e.DATABASE_SYNC_URL ? e.DATABASE_SYNC_INTERVAL : undefined,
      timeoutMs: Math.round(e.DATABASE_TIMEOUT * 1000),
    },
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    identity: { defaultRegion: e.DEFAULT_PHONE_REGION, blocked: e.BLOCKED_IDENTIFIERS, limits },
    maxBodyBytes: e.MAX_BODY_BYTES,
    seedDemo: e.SEED_DEMO,
    ingestThread: e.INGEST_THREAD === 'on',
    slack:
      e.SLACK_SIGNING_SECRET && e.SLACK_BOT_TOKEN
        ? { signingSecret: e.SLACK_SIGNING_SECRET, botToken: e.SLACK_BOT_TOKEN, admins: e.SLACK_ADMINS, apiUrl: e.SLACK_API_URL }
        : undefined,
    discord:
      e.DISCORD_PUBLIC_KEY && e.DISCORD_APPLICATION_ID
        ? {
            publicKey: e.DISCORD_PUBLIC_KEY.toLowerCase(),
            applicationId: e.DISCORD_APPLICATION_ID,
            botToken: e.DISCORD_BOT_TOKEN,
            guildId: e.DISCORD_GUILD_ID,
            admins: e.DISCORD_ADMINS,
            apiUrl: e.DISCORD_API_URL,
          }
        : undefined,
    digest: { cron: e.DIGEST_CRON, timezone: e.DIGEST_TIMEZONE },
    segmentRefreshMs: e.SEGMENT_REFRESH_SECONDS * 1000,
    evm: evmConfig(e),
  };
}

/** On-chain reading switches on with EVM_RPC_URLS; tokens and feeds on chains without a URL are a mistake. */
function evmConfig(e: z.infer<typeof envSchema>) {
  const chains = Object.keys(e.EVM_RPC_URLS) as EvmChain[];
  const orphan = [...e.EVM_TOKENS, ...e.PRICE_FEEDS].find((t) => !chains.includes(t.chain));
  const orphanStart = (Object.keys(e.EVM_START_BLOCK) as EvmChain[]).find((c) => !chains.includes(c));
  if (orphan || orphanStart) {
    const what = orphan ? `${'decimals' in orphan ? 'EVM_TOKENS' : 'PRICE_FEEDS'}: ${orphan.chain}` : `EVM_START_BLOCK: ${orphanStart}`;
    throw new ConfigError(`Bad configuration:\n  ${what} has no RPC URL in EVM_RPC_URLS`);
  }
  if (!chains.length) return undefined;
  return {
    chains: chains.map((chain) => ({
      chain,
      rpcUrl: e.EVM_RPC_URLS[chain]!,
      tokens: e.EVM_TOKENS.filter((t) => t.chain === chain),
      feeds: e.PRICE_FEEDS.filter((f) => f.chain === chain),
      startBlock: e.EVM_START_BLOCK[chain],
    })),
    confirmations: e.EVM_CONFIRMATIONS,
    pollMs: e.EVM_POLL_MS,
    refreshMs: e.EVM_REFRESH_MS,
    staleMs: Math.min(e.EVM_STALE_MS ?? 15 * e.EVM_POLL_MS, e.EVM_REFRESH_MS),
    logWindow: e.EVM_LOG_WINDOW,
    leaseMs: e.EVM_LEASE_MS,
    rpcTimeoutMs: e.EVM_RPC_TIMEOUT_MS,
  };
}

export type Config = ReturnType<typeof parseConfig>;
export type IdentityConfig = Config['identity'];
export type EvmConfig = NonNullable<Config['evm']>;
export type ChainConfig = EvmConfig['chains'][number];

export class ConfigError extends Error {}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(): Config {
  return parseConfig(process.env);
}
