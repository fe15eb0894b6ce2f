import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { KYC_STATUSES } from './constants.ts';
import { epochMs } from './columns.ts';

/**
 * One row per unified customer with the facts `find` filters on, which otherwise take a walk over the
 * merge group (newest KYC state, newest device, first and last activity). Rewritten from the source
 * tables for every root an ingest batch, merge or split touches, inside that same transaction.
 */
export const audience = sqliteTable(
  'audience',
  {
    rootId: text('root_id').primaryKey(),
    kycStatus: text('kyc_status', { enum: KYC_STATUSES }).notNull(),
    /** Index into RISK_LEVELS, so `risk:>=high` is a range; null before any risk score. */
    riskRank: integer('risk_rank'),
    /** The newest device's country, upper-cased. */
    country: text('country'),
    firstSeenAt: epochMs('first_seen_at').notNull(),
    lastActivityAt: epochMs('last_activity_at').notNull(),
    /** The first campaign touch's source (SPEC §8 "acquisition source"), for metrics by acquisition source. */
    acquisitionSource: text('acquisition_source'),
    /**
     * On-chain net worth as the profile shows it (`assetpro.net_worth_usdt`): each priced reading of the
     * group's wallets rounded to cents, summed, in micro-USDT (so always a multiple of 10,000); null when
     * no wallet has a priced reading. Rewritten with the row, and whenever a reading of its wallets is
     * stored or dropped (src/onchain/enrich.ts, reorg.ts), for `networth:`.
     */
    netWorthMicros: integer('net_worth_micros'),
  },
  (t) => [
    // With the root id in it, `kyc:… risk:…` combined with another condition reads no table rows.
    index('audience_kyc_risk_idx').on(t.kycStatus, t.riskRank, t.rootId),
    index('audience_risk_idx').on(t.riskRank),
    index('audience_country_idx').on(t.country),
    index('audience_first_seen_idx').on(t.firstSeenAt),
    index('audience_last_activity_idx').on(t.lastActivityAt),
    index('audience_net_worth_idx').on(t.netWorthMicros),
  ],
);
