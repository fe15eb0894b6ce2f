import { checkAndIngest, type IngestDeps, type IngestResult, type RecordIssue } from '../src/ingest/ingest.ts';
import { eventRecord, identifyRecord, ingestRecord, kycRecord, purchaseRecord, transactionRecord } from '../src/ingest/records.ts';
import type { BatchOutcome, IngestThread } from '../src/ingest/thread.ts';

export type { IngestDeps, IngestResult, RecordIssue };

/** With `thread`, batches are checked and written on the ingest thread (src/ingest/thread.ts). */
export type BatchDeps = IngestDeps & { thread?: IngestThread };

/**
 * Records pushed by a source system (`POST /v1/…`): every record is checked before anything is stored,
 * so a batch with one bad record stores nothing and says which records and fields were wrong.
 */
export async function ingestBatch(raw: unknown[], actor: string, deps: BatchDeps): Promise<BatchOutcome> {
  return deps.thread?.run(raw, actor, deps.clock().getTime()) ?? checkAndIngest(raw, actor, deps);
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
