// Enums are defined once here and feed both drizzle `text({ enum })` columns and zod schemas.
export const KYC_STATUSES = ['unverified', 'pending', 'verified', 'rejected'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

export const RISK_LEVELS = ['low', 'low_medium', 'medium', 'high', 'very_high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const TX_DIRECTIONS = ['in', 'out'] as const;

export const ROLES = ['viewer', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const CHAT_PLATFORMS = ['slack', 'discord', 'cli'] as const;
export type ChatPlatform = (typeof CHAT_PLATFORMS)[number];

export const RECORD_TYPES = ['identify', 'kyc', 'transaction', 'event', 'purchase'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const LABEL_KINDS = ['tag', 'platform'] as const;

export const CONFLICT_KINDS = ['limit', 'external_id', 'merge_cap', 'split_pair'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];
export const CONFLICT_RESOLUTIONS = ['approved', 'dismissed'] as const;
export type ConflictResolution = (typeof CONFLICT_RESOLUTIONS)[number];

/** `reminder`: an alert again when its snooze ends (subject `<alert id>:<snoozed until>`). */
export const DELIVERY_KINDS = ['digest', 'alert', 'segment', 'reminder', 'alert_edit'] as const;
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const ALERT_KINDS = ['kyc', 'risk', 'kyc_risk', 'merge', 'exposure'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_FILTERS = ['kyc', 'risk', 'exposure', 'all'] as const;
export type AlertFilter = (typeof ALERT_FILTERS)[number];

export const WALLET_KINDS = ['eoa', 'contract', 'delegated'] as const;
export type WalletKind = (typeof WALLET_KINDS)[number];
/** What a `find` word is matched against; the first three are personal data (SPEC §2). */
export const SEARCH_FIELDS = ['name', 'email', 'phone', 'external_id', 'wallet', 'unified_id'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
export const PERSONAL_SEARCH_FIELDS: readonly SearchField[] = ['name', 'email', 'phone'];

/** Lifecycle stages of SPEC §8, from first seen and last activity. */
export const LIFECYCLE_STAGES = ['new', 'active', 'dormant', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const SEGMENT_CHANGES = ['enter', 'exit'] as const;
export type SegmentChange = (typeof SEGMENT_CHANGES)[number];
