/**
 * One row of Auth0's bulk user import file, checked against Auth0's user schema before anything is written.
 * Pure: the job (services/user-jobs) decides what to do with a valid row; a refused row becomes an entry of
 * `GET /api/v2/jobs/{id}/errors` in Auth0's `{code, message, path}` shape.
 */
import { parseImportedPasswordHash } from '../crypto/imported-password.js';
import { metadataProblem } from './metadata-limits.js';
import { parsePhoneNumber } from './phone-number.js';

export interface ImportError {
  code: string;
  message: string;
  path: string;
}

/** The profile fields of Auth0's bulk user import schema (the file and the row the job writes share them). */
export interface ImportProfile {
  email_verified?: boolean;
  username?: string;
  phone_number?: string;
  given_name?: string;
  family_name?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  blocked?: boolean;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
}

export interface ImportRow extends ImportProfile {
  /** Without the `auth0|` prefix, as in the file; the job adds it. */
  user_id?: string;
  email: string;
  /** What to store in users.password_hash (crypto/imported-password.ts), when the row brought a hash. */
  passwordHash?: string;
  /** E.164 numbers of confirmed phone enrolments. */
  phones: string[];
}

/** Auth0's reserved `app_metadata` keys: its import refuses a row that sets one. */
export const RESERVED_APP_METADATA = [
  '__tenant', '_id', 'blocked', 'clientID', 'created_at', 'email_verified', 'email', 'globalClientID', 'global_client_id',
  'identities', 'lastIP', 'lastLogin', 'loginsCount', 'metadata', 'multifactor_last_modified', 'multifactor', 'updated_at', 'user_id',
];

const STRING_FIELDS = ['user_id', 'username', 'given_name', 'family_name', 'name', 'nickname', 'picture', 'phone_number'] as const;
const BOOLEAN_FIELDS = ['email_verified', 'phone_verified', 'blocked'] as const;
const KNOWN = new Set<string>([...STRING_FIELDS, ...BOOLEAN_FIELDS, 'email', 'user_metadata', 'app_metadata', 'password_hash', 'custom_password_hash', 'mfa_factors']);
/**
 * Read-only fields of an export line (Guardline's or Auth0's): accepted and ignored, so an export imports as it is
 * (an extension: Auth0 asks for them to be removed first).
 */
const EXPORT_ONLY = new Set(['created_at', 'updated_at', 'last_login', 'last_ip', 'logins_count', 'identities', 'locale']);
// Auth0's own checks: an address with one @ and a dot in the domain, usernames of 1–128 printable characters.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_STRING = 2048;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function checkImportRow(raw: unknown): { ok: true; row: ImportRow } | { ok: false; errors: ImportError[] } {
  if (!isObject(raw)) return { ok: false, errors: [{ code: 'INVALID_TYPE', message: 'Each user must be an object', path: '' }] };
  const errors: ImportError[] = [];
  const add = (code: string, message: string, path: string) => errors.push({ code, message, path });

  for (const key of Object.keys(raw)) if (!KNOWN.has(key) && !EXPORT_ONLY.has(key)) add('OBJECT_ADDITIONAL_PROPERTIES', `Additional properties not allowed: ${key}`, key);
  if (raw.email === undefined) add('OBJECT_MISSING_REQUIRED_PROPERTY', 'Missing required property: email', 'email');
  else if (typeof raw.email !== 'string') add('INVALID_TYPE', 'Expected type string but found type ' + typeof raw.email, 'email');
  else if (!EMAIL.test(raw.email) || raw.email.length > 320) add('INVALID_FORMAT', `Object didn't pass validation for format email: ${raw.email}`, 'email');
  for (const field of STRING_FIELDS) {
    const value = raw[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') add('INVALID_TYPE', `Expected type string but found type ${typeof value}`, field);
    else if (value.length === 0 || value.length > MAX_STRING) add('INVALID_FORMAT', `${field} must be 1–${MAX_STRING} characters`, field);
  }
  if (typeof raw.phone_number === 'string' && !parsePhoneNumber(raw.phone_number).ok) add('INVALID_FORMAT', 'phone_number must be a valid E.164 number', 'phone_number');
  for (const field of BOOLEAN_FIELDS) {
    if (raw[field] !== undefined && typeof raw[field] !== 'boolean') add('INVALID_TYPE', `Expected type boolean but found type ${typeof raw[field]}`, field);
  }
  for (const field of ['user_metadata', 'app_metadata'] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    if (!isObject(value)) {
      add('INVALID_TYPE', 'Expected type object', field);
      continue;
    }
    const problem = metadataProblem(field, value);
    if (problem) add('INVALID_FORMAT', problem, field);
  }
  if (isObject(raw.app_metadata)) {
    for (const key of Object.keys(raw.app_metadata)) if (RESERVED_APP_METADATA.includes(key)) add('INVALID_FORMAT', `app_metadata must not contain the reserved key ${key}`, `app_metadata.${key}`);
  }

  let passwordHash: string | undefined;
  if (raw.password_hash !== undefined || raw.custom_password_hash !== undefined) {
    const parsed = parseImportedPasswordHash({ password_hash: raw.password_hash, custom_password_hash: raw.custom_password_hash });
    if (parsed.ok) passwordHash = parsed.stored;
    else add('INVALID_FORMAT', parsed.problem, raw.custom_password_hash !== undefined ? 'custom_password_hash' : 'password_hash');
  }

  const phones: string[] = [];
  if (raw.mfa_factors !== undefined) {
    if (!Array.isArray(raw.mfa_factors)) add('INVALID_TYPE', 'Expected type array', 'mfa_factors');
    else if (raw.mfa_factors.length > 10) add('INVALID_FORMAT', 'mfa_factors may hold at most 10 factors', 'mfa_factors');
    else {
      raw.mfa_factors.forEach((factor, index) => {
        const path = `mfa_factors.${index}`;
        const keys = isObject(factor) ? Object.keys(factor) : [];
        if (!isObject(factor) || keys.length !== 1) return add('INVALID_FORMAT', 'Each factor must have exactly one of phone, totp, email', path);
        if (keys[0] === 'totp' || keys[0] === 'email') {
          return add('UNSUPPORTED_FACTOR', `Guardline's MFA factor is the phone: remove the ${keys[0]} factor to import this user without it`, `${path}.${keys[0]}`);
        }
        if (keys[0] !== 'phone') return add('INVALID_FORMAT', `Unknown factor ${keys[0]}`, path);
        const phone = factor.phone;
        const value = isObject(phone) ? phone.value : undefined;
        const parsed = typeof value === 'string' ? parsePhoneNumber(value) : undefined;
        if (!parsed || !parsed.ok || value !== parsed.e164) return add('INVALID_FORMAT', 'phone.value must be a valid E.164 number (+819012345678)', `${path}.phone.value`);
        if (!phones.includes(parsed.e164)) phones.push(parsed.e164);
      });
    }
    if (phones.length > 1) add('INVALID_FORMAT', 'Guardline enrols one phone per user: keep one phone factor', 'mfa_factors');
  }
  if (errors.length > 0) return { ok: false, errors };

  const row: ImportRow = { email: (raw.email as string).toLowerCase(), phones };
  for (const field of STRING_FIELDS) if (typeof raw[field] === 'string') row[field] = raw[field] as string;
  // An export's ids carry the provider prefix; the file format does not (the import adds it back).
  if (row.user_id?.startsWith('auth0|')) row.user_id = row.user_id.slice('auth0|'.length);
  for (const field of ['email_verified', 'blocked'] as const) if (typeof raw[field] === 'boolean') row[field] = raw[field] as boolean;
  if (isObject(raw.user_metadata)) row.user_metadata = raw.user_metadata;
  if (isObject(raw.app_metadata)) row.app_metadata = raw.app_metadata;
  if (passwordHash !== undefined) row.passwordHash = passwordHash;
  return { ok: true, row };
}

/** The row as `GET /jobs/{id}/errors` shows it: as sent, without its password hash. */
export function rowForErrorReport(raw: unknown): Record<string, unknown> {
  if (!isObject(raw)) return {};
  const { password_hash: _hash, custom_password_hash: _custom, ...rest } = raw;
  return rest;
}
