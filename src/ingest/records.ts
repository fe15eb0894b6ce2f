import { checksum as checksumAddress, validate as isEvmAddress } from 'ox/Address';
import * as z from 'zod';
import { KYC_STATUSES, TX_DIRECTIONS } from '../../db/schema/constants.ts';
import { WALLET_CHAINS } from '../identity/normalize.ts';
import { boundedDecimal, MAX_ID_LENGTH } from './record-rules.ts';

/** Record shapes of SPEC §3. Identifiers stay raw here; `identifiersOf` normalises them with the config. */
const decimal = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const checked = boundedDecimal(typeof v === 'number' ? String(v) : v.trim());
    if ('value' in checked) return checked.value;
    ctx.addIssue({ code: 'custom', message: checked.reason });
    return z.NEVER;
  });

const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp with an offset, like 2026-11-20T10:00:00+08:00' });
const text = (max = 500) => z.string().trim().min(1).max(max);
const optionalText = (max = 500) => text(max).nullish();

const identifier = z.string().max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`);
const oneOrMany = z.union([identifier, z.array(identifier).max(50)]).optional();

export const identifiersSchema = z
  .object({
    external_id: z.union([identifier, z.number()]).transform(String).optional(),
    email: oneOrMany,
    phone: oneOrMany,
    kakao_id: oneOrMany,
    line_id: oneOrMany,
    discord: oneOrMany,
    telegram: oneOrMany,
    x: oneOrMany,
    wallets: z
      .array(z.object({ chain: z.string().trim().toLowerCase().pipe(z.enum(WALLET_CHAINS)), address: identifier.trim().min(1) }))
      .max(200)
      .optional(),
  })
  .strict()
  .refine((ids) => Object.values(ids).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)), 'at least one identifier is required');

const base = {
  id: z.union([text(MAX_ID_LENGTH), z.number().int()]).transform(String).optional(),
  timestamp,
  identifiers: identifiersSchema,
};

/** Custom attributes (SPEC §8): traits beyond the standard keys, validated rather than dropped. */
export const STANDARD_TRAITS = ['name', 'gender', 'birth_date', 'membership_level', 'platform', 'platforms', 'tags'] as const;
export const MAX_ATTRIBUTES = 50;
// Names that would reach an object's prototype wherever attributes become a JS object.
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const attributeValue = z.union([z.string().max(500), z.number().finite(), z.boolean()], { error: 'a custom attribute is a string (at most 500 characters), a number or a boolean' });

export const identifyRecord = z.object({
  type: z.literal('identify'),
  ...base,
  traits: z
    .object({
      name: optionalText(200),
      gender: optionalText(40),
      birth_date: z.iso.date('must be a date like 1990-04-02').nullish(),
      membership_level: optionalText(80),
      platform: optionalText(80),
      platforms: z.array(text(80)).max(20).optional(),
      tags: z.array(text(80)).max(100).optional(),
    })
    .catchall(attributeValue)
    .superRefine((traits, ctx) => {
      const extra = Object.keys(traits).filter((k) => !(STANDARD_TRAITS as readonly string[]).includes(k));
      for (const k of extra) {
        if (!/^[a-z0-9_]{1,40}$/.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'a custom attribute name is 1 to 40 of a-z, 0-9 and _' });
        else if (RESERVED_NAMES.has(k)) ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" is reserved and cannot be a custom attribute name` });
      }
      if (extra.length > MAX_ATTRIBUTES) ctx.addIssue({ code: 'custom', message: `at most ${MAX_ATTRIBUTES} custom attributes, not ${extra.length}` });
    })
    .optional(),
});

export const kycRecord = z.object({
  type: z.literal('kyc'),
  ...base,
  status: z.enum(KYC_STATUSES),
  risk_score: z.number().int().min(0).max(100).nullish(),
  applied_at: timestamp.nullish(),
  approved_at: timestamp.nullish(),
  form_number: optionalText(100),
  document_id: optionalText(100),
  tasks: z.array(z.object({ id: text(100), name: text(200), status: text(50) })).max(100).optional(),
  reason: optionalText(1000),
});

export const transactionRecord = z.object({
  type: z.literal('transaction'),
  ...base,
  chain: z.string().trim().toLowerCase().pipe(z.enum(WALLET_CHAINS)),
  token: text(40).transform((t) => t.toUpperCase()),
  amount: decimal,
  usdt_value: decimal,
  direction: z.enum(TX_DIRECTIONS),
  tx_hash: optionalText(200),
  /** The other side's address (EVM), so a payment from or to a screened address raises `exposure`. */
  counterparty: z
    .string()
    .trim()
    .nullish()
    .refine((a) => a == null || isEvmAddress(a, { strict: false }), 'must be an EVM address (0x and 40 hex digits)')
    .transform((a) => (a == null ? undefined : checksumAddress(a))),
});

export const eventRecord = z.object({
  type: z.literal('event'),
  ...base,
  name: text(200),
  session_id: optionalText(200),
  device: z
    .object({
      id: text(200),
      model: optionalText(200),
      os: optionalText(100),
      browser: optionalText(100),
      library_version: optionalText(50),
      country: optionalText(60),
      city: optionalText(100),
      language: optionalText(35),
      timezone: optionalText(60),
    })
    .nullish(),
  /** Campaign attribution (SPEC §8): the touch this event came from. */
  campaign: z
    .object({
      source: optionalText(200),
      medium: optionalText(200),
      name: optionalText(200),
      term: optionalText(200),
      content: optionalText(200),
      referrer: optionalText(2000),
    })
    .nullish(),
});

export const purchaseRecord = z.object({
  type: z.literal('purchase'),
  ...base,
  order_id: text(200),
  amount: decimal,
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code like TWD'),
  items: z
    .array(z.object({ name: text(300), category: optionalText(200), quantity: z.number().int().min(1).default(1), price: decimal }))
    .max(500)
    .default([]),
});

export const ingestRecord = z.discriminatedUnion('type', [identifyRecord, kycRecord, transactionRecord, eventRecord, purchaseRecord]);

export type IngestRecord = z.infer<typeof ingestRecord>;
export type KycRecord = z.infer<typeof kycRecord>;
export type Identifiers = z.infer<typeof identifiersSchema>;

/**
 * USDT value in millionths; decimal strings are split rather than multiplied so no float rounding creeps
 * in. The schema has already spelled out any exponent, so the input is a plain decimal.
 */
export function toMicros(decimalString: string): number {
  const [whole = '0', frac = ''] = decimalString.split('.');
  return Number(whole) * 1e6 + Number((frac + '000000').slice(0, 6));
}
