/**
 * Turns what Auth0 hands a departing tenant into one file for Guardline's users import job.
 *
 * Auth0 gives the pieces separately, and none of them alone is importable:
 * - the bulk user export (`POST /api/v2/jobs/users-exports`, format json): ndjson, one user per line, with
 *   `user_id` prefixed by the connection's provider (`auth0|…`) and no password or MFA data;
 * - the password hash export (a support ticket, paid plans): ndjson of `{_id: {$oid}, alt_id?, email, passwordHash,
 *   connection, …}`, where the user id is `auth0|` + (`alt_id` ?? `_id.$oid`);
 * - each user's phone enrolments, which only the Management API shows
 *   (`GET /api/v2/users/{id}/authentication-methods`: `{type: "phone", confirmed, phone_number}`).
 *
 * The result is Auth0's bulk import schema (a JSON array), with `password_hash` and `mfa_factors: [{phone}]`
 * filled in where the pieces allow, and the `auth0|` prefix removed as Auth0 tells importers to. Everything that
 * cannot be carried over is reported per user, never dropped silently. Pure: no I/O.
 */

import { RESERVED_APP_METADATA, type ImportProfile } from './user-import.js';

type Json = Record<string, unknown>;

/** One user of Auth0's bulk import schema, as the import job reads it. */
export interface ImportableUser extends ImportProfile {
  user_id?: string;
  email?: string;
  phone_verified?: boolean;
  password_hash?: string;
  mfa_factors?: Array<{ phone: { value: string } }>;
}

export interface ConversionNote {
  /** The user's Auth0 id as exported (`auth0|…`), or the line number when it had none. */
  user: string;
  /** `skipped`: the user is not in the output; `partial`: the user is, without what `reason` names. */
  kind: 'skipped' | 'partial';
  reason: string;
}

export interface ConversionResult {
  users: ImportableUser[];
  notes: ConversionNote[];
  counts: { exported: number; converted: number; withPassword: number; withPhone: number; skipped: number };
}

export interface Auth0ExportPieces {
  /** The lines of the bulk user export, parsed. */
  users: unknown[];
  /** The lines of the password hash export, parsed (optional: without it users reset their passwords). */
  passwordHashes?: unknown[];
  /** Each user's authentication methods as the Management API lists them, by Auth0 user id. */
  authenticationMethods?: ReadonlyMap<string, unknown[]>;
  /** The database connection whose users to convert (default: every `auth0` provider user). */
  connection?: string;
}



const STRING_FIELDS = ['email', 'username', 'phone_number', 'given_name', 'family_name', 'name', 'nickname', 'picture'] as const;
const BOOLEAN_FIELDS = ['email_verified', 'phone_verified', 'blocked'] as const;
const E164 = /^\+[1-9]\d{1,14}$/;
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The database user id behind `auth0|id`; undefined for social and enterprise identities. */
function databaseId(userId: string): string | undefined {
  return userId.startsWith('auth0|') ? userId.slice('auth0|'.length) : undefined;
}

/** `auth0|` + the id the password hash export gives: `alt_id` for custom ids, else the Mongo `_id`. */
function hashOwner(line: Json): string | undefined {
  if (typeof line.alt_id === 'string' && line.alt_id) return `auth0|${line.alt_id}`;
  const id = line._id;
  if (isObject(id) && typeof id.$oid === 'string') return `auth0|${id.$oid}`;
  if (typeof id === 'string') return `auth0|${id}`;
  return undefined;
}

function connectionOf(user: Json): string | undefined {
  const identities = user.identities;
  if (Array.isArray(identities) && isObject(identities[0]) && typeof identities[0].connection === 'string') return identities[0].connection;
  return typeof user.connection === 'string' ? user.connection : undefined;
}

export function convertAuth0Export(pieces: Auth0ExportPieces): ConversionResult {
  const notes: ConversionNote[] = [];
  const hashes = new Map<string, { hash: string; connection?: string }>();
  for (const line of pieces.passwordHashes ?? []) {
    if (!isObject(line) || typeof line.passwordHash !== 'string') continue;
    const owner = hashOwner(line);
    if (owner) hashes.set(owner, { hash: line.passwordHash, ...(typeof line.connection === 'string' ? { connection: line.connection } : {}) });
  }

  const users: ImportableUser[] = [];
  let withPassword = 0;
  let withPhone = 0;
  pieces.users.forEach((raw, index) => {
    const label = isObject(raw) && typeof raw.user_id === 'string' ? raw.user_id : `line ${index + 1}`;
    if (!isObject(raw) || typeof raw.user_id !== 'string') {
      notes.push({ user: label, kind: 'skipped', reason: 'not a user object with a user_id' });
      return;
    }
    const id = databaseId(raw.user_id);
    if (id === undefined) {
      notes.push({ user: label, kind: 'skipped', reason: 'not a database user (social and enterprise identities stay with their provider)' });
      return;
    }
    const connection = connectionOf(raw);
    if (pieces.connection !== undefined && connection !== undefined && connection !== pieces.connection) {
      notes.push({ user: label, kind: 'skipped', reason: `in connection ${connection}, not ${pieces.connection}` });
      return;
    }

    const user: ImportableUser = { user_id: id };
    for (const field of STRING_FIELDS) if (typeof raw[field] === 'string' && raw[field] !== '') user[field] = raw[field] as string;
    for (const field of BOOLEAN_FIELDS) if (typeof raw[field] === 'boolean') user[field] = raw[field] as boolean;
    if (isObject(raw.user_metadata)) user.user_metadata = raw.user_metadata;
    if (isObject(raw.app_metadata)) {
      const kept = Object.fromEntries(Object.entries(raw.app_metadata).filter(([key]) => !RESERVED_APP_METADATA.includes(key)));
      const dropped = Object.keys(raw.app_metadata).filter((key) => RESERVED_APP_METADATA.includes(key));
      if (dropped.length > 0) notes.push({ user: label, kind: 'partial', reason: `app_metadata keys reserved by Auth0 dropped: ${dropped.join(', ')}` });
      user.app_metadata = kept;
    }

    const hash = hashes.get(raw.user_id);
    if (hash && BCRYPT.test(hash.hash)) {
      user.password_hash = hash.hash;
      withPassword++;
    } else if (hash) {
      notes.push({ user: label, kind: 'partial', reason: 'the exported password hash is not bcrypt: the user must reset the password' });
    } else if (pieces.passwordHashes) {
      notes.push({ user: label, kind: 'partial', reason: 'no password hash in the hash export: the user must reset the password' });
    }

    const methods = pieces.authenticationMethods?.get(raw.user_id) ?? [];
    const phones: string[] = [];
    for (const method of methods) {
      if (!isObject(method)) continue;
      if (method.type === 'phone' && method.confirmed === true) {
        const number = method.phone_number;
        if (typeof number === 'string' && E164.test(number)) {
          if (!phones.includes(number)) phones.push(number);
        } else {
          notes.push({ user: label, kind: 'partial', reason: 'a phone enrolment without a full E.164 number (masked?) was left out: the user enrols again' });
        }
      } else if (method.type !== 'password' && method.confirmed === true) {
        notes.push({ user: label, kind: 'partial', reason: `a ${String(method.type)} enrolment was left out: Guardline's factor is the phone` });
      }
    }
    if (phones.length > 0) {
      user.mfa_factors = phones.map((value) => ({ phone: { value } }));
      withPhone++;
    }
    users.push(user);
  });

  return {
    users,
    notes,
    counts: {
      exported: pieces.users.length,
      converted: users.length,
      withPassword,
      withPhone,
      skipped: notes.filter((note) => note.kind === 'skipped').length,
    },
  };
}

/**
 * Parses an ndjson document (Auth0's export and hash files), or a JSON array (either file after `jq -s`).
 * A line that is not JSON is an error naming its number: a truncated download must not import half a file.
 */
export function parseJsonLines(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) throw new SyntaxError('expected a JSON array');
    return parsed;
  }
  const values: unknown[] = [];
  trimmed.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      values.push(JSON.parse(line));
    } catch {
      throw new SyntaxError(`line ${index + 1} is not JSON`);
    }
  });
  return values;
}
