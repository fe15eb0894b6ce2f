import { ingestRecords, prepareRecords, type IngestDeps, type IngestResult, type RecordIssue } from '../src/ingest/ingest.ts';
import { eventRecord, identifyRecord, ingestRecord, kycRecord, purchaseRecord, transactionRecord } from '../src/ingest/records.ts';

export type { IngestDeps, IngestResult, RecordIssue };

/**
 * Records pushed by a source system (`POST /v1/…`): every record is checked before anything is stored,
 * so a batch with one bad record stores nothing and says which records and fields were wrong.
 */
export async function ingestBatch(raw: unknown[], actor: string, deps: IngestDeps): Promise<{ issues: RecordIssue[] } | { issues: []; result: IngestResult }> {
  const { records, issues } = prepareRecords(raw, deps.identity, deps.clock().getTime());
  if (issues.length) return { issues };
  return { issues: [], result: await ingestRecords(deps, records, actor) };
}

/** The record shapes of SPEC §3, by name: the schemas that check records, for the API's document. */
export const RECORD_SCHEMAS = {
  Record: ingestRecord,
  IdentifyRecord: identifyRecord,
  KycRecord: kycRecord,
  TransactionRecord: transactionRecord,
  EventRecord: eventRecord,
  PurchaseRecord: purchaseRecord,
} as const;
