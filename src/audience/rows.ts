import type { Store } from '../../db/client.ts';
import { RISK_LEVELS, type KycStatus, type LifecycleStage, type RiskLevel } from '../../db/schema/constants.ts';
import { audience, complianceForms, customers, identifiers, traits, wallets } from '../../db/schema/index.ts';
import { names } from '../../db/sql-names.ts';
import { DAY_MS } from '../time.ts';

/** One line of the Audience list: what KryptoGO's Audience shows, plus 30-day volume (SPEC §8). */
export interface AudienceRow {
  unified_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  wallet: { chain: string; address: string } | null;
  external_id: string | null;
  kyc_status: KycStatus;
  risk_level: RiskLevel | null;
  form_number: string | null;
  country: string | null;
  stage: LifecycleStage;
  volume_30d_usdt: number;
  /** On-chain net worth as the profile shows it (what `networth:` compares); null when nothing is priced. */
  net_worth_usdt: number | null;
}

const first = (sql: string) => `(SELECT ${sql} LIMIT 1)`;
// Names from the drizzle tables (db/sql-names.ts).
const [A, C, T, I, W, F] = [names(audience), names(customers), names(traits), names(identifiers), names(wallets), names(complianceForms)];
const firstIdentifier = (type: string) => first(`${I.value} FROM ${I.$} WHERE ${I.customerId} IN g AND ${I.type} = '${type}' ORDER BY ${I.id}`);
// One fixed statement per row, prepared once (store.read); a page is ten of them.
const ROW = `
  WITH g AS MATERIALIZED (SELECT ${C.id} FROM ${C.$} WHERE ${C.rootId} = ?1)
  SELECT a.${A.kycStatus}, a.${A.riskRank}, a.${A.country}, a.${A.firstSeenAt}, a.${A.lastActivityAt}, a.${A.netWorthMicros},
    ${first(`${T.name} FROM ${T.$} WHERE ${T.customerId} IN g AND ${T.name} IS NOT NULL ORDER BY ${T.updatedAt} DESC`)} AS name,
    ${firstIdentifier('email')} AS email,
    ${firstIdentifier('phone')} AS phone,
    ${firstIdentifier('external_id')} AS external_id,
    ${first(`json_array(${W.chain}, ${W.address}) FROM ${W.$} WHERE ${W.customerId} IN g ORDER BY ${W.firstSeenAt}, ${W.id}`)} AS wallet,
    ${first(`${F.formNumber} FROM ${F.$} WHERE ${F.customerId} IN g ORDER BY ${F.submittedAt} DESC`)} AS form_number
  FROM ${A.$} a WHERE a.${A.rootId} = ?1`;

/** SPEC §8: new (first seen within 30 days), active (activity within 30), dormant (31–90), churned (more). */
export function lifecycleStage(firstSeenAt: number, lastActivityAt: number, now: number): LifecycleStage {
  if (now - firstSeenAt <= 30 * DAY_MS) return 'new';
  const idle = now - lastActivityAt;
  return idle <= 30 * DAY_MS ? 'active' : idle <= 90 * DAY_MS ? 'dormant' : 'churned';
}

export async function audienceRows(store: Pick<Store, 'read'>, page: { rootId: string; micros: number }[], now: number): Promise<AudienceRow[]> {
  const rows = await Promise.all(page.map((p) => store.read(ROW, [p.rootId])));
  return page.flatMap((p, i) => {
    const r = rows[i]![0];
    if (!r) return [];
    const wallet = r.wallet ? (JSON.parse(String(r.wallet)) as [string, string]) : null;
    return [{
      unified_id: p.rootId,
      name: (r.name as string | null) ?? null,
      email: (r.email as string | null) ?? null,
      phone: (r.phone as string | null) ?? null,
      wallet: wallet ? { chain: wallet[0], address: wallet[1] } : null,
      external_id: (r.external_id as string | null) ?? null,
      kyc_status: r.kyc_status as KycStatus,
      risk_level: r.risk_rank == null ? null : RISK_LEVELS[Number(r.risk_rank)]!,
      form_number: (r.form_number as string | null) ?? null,
      country: (r.country as string | null) ?? null,
      stage: lifecycleStage(Number(r.first_seen_at), Number(r.last_activity_at), now),
      volume_30d_usdt: Math.round(p.micros / 1e4) / 100,
      // Stored in whole cents (micros, a multiple of 10,000), so this is the profile's figure exactly.
      net_worth_usdt: r.net_worth_micros == null ? null : Number(r.net_worth_micros) / 1e6,
    }];
  });
}
