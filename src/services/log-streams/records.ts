import { createHmac } from 'node:crypto';
import { LOG_TYPES } from '../../domain/log-types.js';
import { maskPhoneNumber } from '../../domain/phone-number.js';
import type { LogEntry } from '../events.js';

export const CONTENT_FORMATS = ['JSONARRAY', 'JSONLINES', 'JSONOBJECT'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];
export const PII_FIELDS = ['first_name', 'last_name', 'username', 'email', 'phone', 'address'] as const;
export type PiiField = (typeof PII_FIELDS)[number];

export interface StreamFilter {
  type: 'category';
  name: string;
}
export interface PiiConfig {
  log_fields: PiiField[];
  method: 'mask' | 'hash';
  algorithm?: 'xxhash';
}

/** What a sink receives per event. */
export interface StreamRecord {
  log_id: string;
  data: LogEntry;
}

/** The category of an event type (domain/log-types.ts); unknown types are `other`. */
export function categoryOf(type: string): string {
  return (LOG_TYPES as Record<string, { category: string } | undefined>)[type]?.category ?? 'other';
}

/**
 * Auth0's category filters: no filter passes everything; otherwise an event passes when one filter names its
 * category or a parent of it (`auth.login` covers `auth.login.fail` and `auth.login.success`).
 */
export function passesFilters(type: string, filters: readonly StreamFilter[] | null | undefined): boolean {
  if (!filters || filters.length === 0) return true;
  const category = categoryOf(type);
  return filters.some((f) => category === f.name || category.startsWith(`${f.name}.`));
}

/** Which keys hold which personal field, wherever they appear in a log object. */
const FIELD_KEYS: Record<PiiField, RegExp> = {
  first_name: /^(first_name|given_name|firstName|givenName)$/,
  last_name: /^(last_name|family_name|lastName|familyName)$/,
  username: /^(username|user_name|nickname|userName)$/,
  email: /^(email|e_mail|user_email|email_address)$/i,
  phone: /(^|_)phone(_?number)?$|^phoneNumber$|^to$/i,
  address: /^address$/i,
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164_IN_TEXT = /\+[1-9]\d{6,14}(?!\d)/g;
const EMAIL_IN_TEXT = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;
/** Already masked by the event log (XXXXXXX1234): left as it is by `mask`, hashed as it is by `hash`. */
const MASKED_PHONE = /^X+\d{0,4}$/;

export type Hasher = (value: string) => string;

/** A keyed hash per tenant: the same value hashes alike across the tenant's streams, and cannot be looked up without the key. */
export function piiHasher(key: Buffer, tenantId: string): Hasher {
  return (value) => createHmac('sha256', key).update(`${tenantId.length}:${tenantId}:`).update(value, 'utf8').digest('hex');
}

function maskString(value: string, field: PiiField): string {
  if (field === 'phone') return MASKED_PHONE.test(value) ? value : maskPhoneNumber(value);
  if (field === 'email' || EMAIL.test(value)) {
    const at = value.lastIndexOf('@');
    return at > 0 ? `${value.slice(0, 1)}****@****` : '****';
  }
  return value.length === 0 ? value : `${value.slice(0, 1)}****`;
}

/**
 * `pii_config`: masks or hashes the listed fields of the log object, at any depth of `details`. A field is found by
 * its key (`email`, `phone_number`, `user_name`, `given_name`, …); besides, an E.164 number anywhere (also inside a
 * longer string) is a `phone` and an e-mail address anywhere (a `user_name` is often one) is an `email`.
 */
export function applyPii(entry: LogEntry, config: PiiConfig | null | undefined, hash: Hasher): LogEntry {
  if (!config || config.log_fields.length === 0) return entry;
  const fields = new Set(config.log_fields);
  const change = (value: string, field: PiiField) => (config.method === 'hash' ? hash(value) : maskString(value, field));

  const fieldOfKey = (key: string): PiiField | undefined => (PII_FIELDS as readonly PiiField[]).find((f) => fields.has(f) && FIELD_KEYS[f].test(key));
  /** Numbers and addresses inside a longer string (a description, a message) are changed where they stand. */
  const inText = (value: string): string => {
    let out = value;
    if (fields.has('phone')) out = out.replace(E164_IN_TEXT, (m) => change(m, 'phone'));
    if (fields.has('email')) out = out.replace(EMAIL_IN_TEXT, (m) => change(m, 'email'));
    return out;
  };

  const walk = (value: unknown, field: PiiField | undefined, depth: number): unknown => {
    if (typeof value === 'string') return field ? change(value, field) : inText(value);
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (Array.isArray(value)) return value.map((v) => walk(v, field, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = walk(inner, field ?? fieldOfKey(key), depth + 1);
    return out;
  };

  const out = walk(entry, undefined, 0) as LogEntry;
  // identifiers are not personal fields: kept whatever their key looks like
  out.log_id = entry.log_id;
  out.date = entry.date;
  out.type = entry.type;
  return out;
}

/** The request bodies of one batch: one for JSONARRAY and JSONLINES, one per record for JSONOBJECT. */
export function bodiesFor(format: ContentFormat, records: readonly StreamRecord[]): string[] {
  switch (format) {
    case 'JSONARRAY':
      return [JSON.stringify(records)];
    case 'JSONLINES':
      return [records.map((r) => JSON.stringify(r)).join('\n')];
    case 'JSONOBJECT':
      return records.map((r) => JSON.stringify(r));
  }
}
