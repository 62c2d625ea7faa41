/**
 * Auth0's user import and export jobs (`/api/v2/jobs/…`, docs/user-import-export.md).
 *
 * A job is a row (migration 0013) worked on in the background: `create*` stores it and starts it on this node at
 * once; the poller (`start`) takes any job whose lease ran out, so a job a stopped node left half done is resumed
 * by the next node that polls. An import writes each row in its own transaction together with the cursor and the
 * counter it moves, so a row is never half imported and never counted twice, whatever stops when.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { hashToken } from '../crypto/secret-box.js';
import { randomString } from '../domain/ids.js';
import { maskPhoneNumber } from '../domain/phone-number.js';
import { parseJsonLines } from '../domain/auth0-export.js';
import { checkImportRow, rowForErrorReport, type ImportError, type ImportRow } from '../domain/user-import.js';
import { NotFoundError, ValidationError } from '../errors/errors.js';
import { isUniqueViolation } from '../store/database.js';
import type { UserJobRow } from '../store/repositories/user-jobs.js';
import type { UserRow } from '../store/repositories/users.js';
import type { Repositories } from '../store/store.js';
import { newDeviceId } from './authenticators.js';
import type { ServiceDeps } from './context.js';
import { createPoller } from './poller.js';
import type { Tenant } from './tenants.js';
import { toUserView } from './users.js';

/** Auth0's limit for one import file; larger files are a Guardline extension up to the configured maximum. */
export const AUTH0_IMPORT_LIMIT_BYTES = 500 * 1024;
/** Rows an import works through per lease before it lets the poller (or another node) continue. */
const ROWS_PER_TURN = 250;
const LEASE_MS = 60_000;
/** How long an export's download link works (Auth0's links expire; the duration is ours). */
export const EXPORT_LINK_TTL_MS = 60 * 60_000;
const MAX_EXPORT_FIELDS = 60;

export interface ImportJobInput {
  connection_id: string;
  users: string;
  upsert?: boolean;
  external_id?: string;
  send_completion_email?: boolean;
}

export interface ExportField {
  name: string;
  export_as?: string;
  /** Guardline extension: export the full value of a sensitive field (`mfa_factors`, `password_hash`). */
  include_secrets?: boolean;
}

export interface ExportJobInput {
  connection_id?: string;
  format?: 'json' | 'csv';
  limit?: number;
  fields?: ExportField[];
}

/** Auth0's job object. */
export interface JobView {
  id: string;
  type: 'users_import' | 'users_export';
  status: 'pending' | 'processing' | 'completed' | 'failed';
  created_at: string;
  connection_id?: string;
  connection?: string;
  external_id?: string;
  summary?: { failed: number; updated: number; inserted: number; total: number };
  format?: 'json' | 'csv';
  limit?: number;
  fields?: ExportField[];
  location?: string;
  time_left_seconds?: number;
}

export interface JobErrorView {
  user: Record<string, unknown>;
  errors: ImportError[];
}

/** Fields an export gives when the request names none (Auth0's default set, less what Guardline has not). */
const DEFAULT_EXPORT_FIELDS: ExportField[] = [
  'user_id', 'email', 'email_verified', 'username', 'phone_number', 'name', 'nickname', 'given_name', 'family_name', 'picture',
  'blocked', 'created_at', 'updated_at', 'last_login', 'logins_count', 'identities',
].map((name) => ({ name }));
const SENSITIVE_FIELDS = new Set(['password_hash']);

export function createUserJobs(deps: ServiceDeps & { importMaxBytes: number }) {
  const { store, clock, random } = deps;
  const now = () => clock.now().toISOString();
  const inFlight = new Set<Promise<unknown>>();

  function view(job: UserJobRow, connectionName: string | undefined): JobView {
    const out: JobView = { id: job.id, type: job.type, status: job.status, created_at: job.created_at };
    if (job.connection_id) out.connection_id = job.connection_id;
    if (connectionName) out.connection = connectionName;
    if (job.external_id) out.external_id = job.external_id;
    if (job.type === 'users_import') {
      if (job.status === 'completed' || job.status === 'failed' || job.cursor > 0) out.summary = { failed: job.failed, updated: job.updated, inserted: job.inserted, total: job.total };
    } else {
      const input = JSON.parse(job.input) as ExportJobInput & { fileToken?: never };
      out.format = input.format ?? 'json';
      if (input.limit !== undefined) out.limit = input.limit;
      out.fields = input.fields ?? DEFAULT_EXPORT_FIELDS;
    }
    return out;
  }

  async function connectionFor(tenant: Tenant, id: string) {
    const connection = (await store.connections.list(tenant.id)).find((c) => c.id === id);
    if (!connection) throw new ValidationError(`connection_id: the connection ${id} does not exist in this tenant`);
    return connection;
  }

  // ---------- import ----------

  function parseUsersFile(text: string): unknown[] {
    // A JSON array (Auth0's import format) or ndjson (its export format, accepted as an extension).
    try {
      return parseJsonLines(text);
    } catch (err) {
      throw new ValidationError(`users: the file is not valid JSON: ${(err as Error).message} (send a JSON array of users, or one user per line)`);
    }
  }

  async function writeImportedUser(tx: Repositories, job: UserJobRow, connection: { id: string; name: string }, row: ImportRow, index: number, raw: unknown): Promise<'inserted' | 'updated' | 'failed'> {
    const at = now();
    const fullId = row.user_id !== undefined ? `auth0|${row.user_id}` : undefined;
    const byId = fullId ? await tx.users.find(job.tenant_id, fullId) : undefined;
    const byEmail = (await tx.users.list(job.tenant_id, { email: row.email, connectionName: connection.name }, { offset: 0, limit: 1 }))[0];
    const existing = byId ?? byEmail;
    if (existing && byId && byEmail && byId.user_id !== byEmail.user_id) {
      await reportRow(tx, job, index, raw, [{ code: 'CONFLICT', message: 'The user_id and the email belong to two different users', path: 'email' }]);
      return 'failed';
    }
    if (existing && existing.connection_id !== connection.id) {
      await reportRow(tx, job, index, raw, [{ code: 'DUPLICATED_USER', message: 'The user already exist in another connection', path: 'user_id' }]);
      return 'failed';
    }
    if (existing && job.upsert !== 1) {
      await reportRow(tx, job, index, raw, [{ code: 'DUPLICATED_USER', message: 'The user already exist', path: byEmail ? 'email' : 'user_id' }]);
      return 'failed';
    }
    const profile = {
      email: row.email,
      ...(row.email_verified !== undefined ? { email_verified: row.email_verified ? 1 : 0 } : {}),
      ...(row.username !== undefined ? { username: row.username } : {}),
      ...(row.phone_number !== undefined ? { phone_number: row.phone_number } : {}),
      ...(row.given_name !== undefined ? { given_name: row.given_name } : {}),
      ...(row.family_name !== undefined ? { family_name: row.family_name } : {}),
      ...(row.name !== undefined ? { name: row.name } : {}),
      ...(row.nickname !== undefined ? { nickname: row.nickname } : {}),
      ...(row.picture !== undefined ? { picture: row.picture } : {}),
      ...(row.blocked !== undefined ? { blocked: row.blocked ? 1 : 0 } : {}),
      ...(row.user_metadata !== undefined ? { user_metadata: JSON.stringify(row.user_metadata) } : {}),
      ...(row.app_metadata !== undefined ? { app_metadata: JSON.stringify(row.app_metadata) } : {}),
      ...(row.passwordHash !== undefined ? { password_hash: row.passwordHash } : {}),
    };
    let userId: string;
    let outcome: 'inserted' | 'updated';
    if (existing) {
      // Upsert: the fields the row gives replace the stored ones (metadata objects as a whole, as Auth0 does).
      await tx.users.update(job.tenant_id, existing.user_id, { ...profile, updated_at: at });
      userId = existing.user_id;
      outcome = 'updated';
    } else {
      userId = fullId ?? `auth0|${random.bytes(12).toString('hex')}`;
      const user: UserRow = {
        user_id: userId,
        tenant_id: job.tenant_id,
        connection_id: connection.id,
        email: row.email,
        email_verified: row.email_verified ? 1 : 0,
        username: row.username ?? null,
        phone_number: row.phone_number ?? null,
        password_hash: row.passwordHash ?? null,
        name: row.name ?? null,
        nickname: row.nickname ?? null,
        given_name: row.given_name ?? null,
        family_name: row.family_name ?? null,
        picture: row.picture ?? null,
        locale: null,
        blocked: row.blocked ? 1 : 0,
        user_metadata: JSON.stringify(row.user_metadata ?? {}),
        app_metadata: JSON.stringify(row.app_metadata ?? {}),
        logins_count: 0,
        last_login: null,
        last_ip: null,
        created_at: at,
        updated_at: at,
      };
      await tx.users.insert(user);
      outcome = 'inserted';
    }
    for (const phone of row.phones) await enrolImportedPhone(tx, job.tenant_id, userId, phone, at);
    return outcome;
  }

  /** A confirmed phone enrolment, as a finished enrolment leaves it: the user is challenged, not asked to enrol. */
  async function enrolImportedPhone(tx: Repositories, tenantId: string, userId: string, phone: string, at: string): Promise<void> {
    const current = await tx.authenticators.listByUser(tenantId, userId);
    if (current.some((a) => a.type === 'phone' && a.status === 'confirmed' && a.phone_number === phone)) return;
    // The file is the truth for an imported user: another phone (or an unfinished enrolment) is replaced.
    for (const other of current.filter((a) => a.type === 'phone' || a.status === 'pending')) await tx.authenticators.delete(tenantId, other.id);
    await tx.authenticators.insert({
      id: newDeviceId(random),
      tenant_id: tenantId,
      user_id: userId,
      type: 'phone',
      status: 'confirmed',
      phone_number: phone,
      preferred_method: 'sms',
      name: maskPhoneNumber(phone),
      secret_hash: null,
      created_at: at,
      enrolled_at: at,
      last_auth_at: null,
    });
  }

  async function reportRow(tx: Repositories, job: UserJobRow, index: number, raw: unknown, errors: ImportError[]): Promise<void> {
    await tx.userJobs.insertError({ job_id: job.id, row_index: index, user: JSON.stringify(rowForErrorReport(raw)), errors: JSON.stringify(errors) });
  }

  async function importTurn(job: UserJobRow): Promise<boolean> {
    const connection = (await store.connections.list(job.tenant_id)).find((c) => c.id === job.connection_id);
    const rows = JSON.parse(job.input) as unknown[];
    if (!connection) {
      await store.userJobs.update(job.id, { status: 'failed', updated_at: now(), completed_at: now(), lease_until: null });
      return true;
    }
    const end = Math.min(rows.length, job.cursor + ROWS_PER_TURN);
    for (let index = job.cursor; index < end; index++) {
      const raw = rows[index];
      const checked = checkImportRow(raw);
      try {
        await store.transaction(async (tx) => {
          let outcome: 'inserted' | 'updated' | 'failed';
          if (!checked.ok) {
            await reportRow(tx, job, index, raw, checked.errors);
            outcome = 'failed';
          } else {
            outcome = await writeImportedUser(tx, job, connection, checked.row, index, raw);
          }
          await tx.userJobs.advance(job.id, index + 1, outcome, now());
        });
      } catch (err) {
        // Two rows of one file (or a user created meanwhile) with the same email or username: the unique index
        // refused the row; it is reported and the job goes on.
        if (!isUniqueViolation(err)) throw err;
        await store.transaction(async (tx) => {
          await reportRow(tx, job, index, raw, [{ code: 'DUPLICATED_USER', message: 'The user already exist', path: 'email' }]);
          await tx.userJobs.advance(job.id, index + 1, 'failed', now());
        });
      }
    }
    if (end >= rows.length) {
      await store.userJobs.update(job.id, { status: 'completed', completed_at: now(), updated_at: now(), lease_until: null });
      return true;
    }
    return false;
  }

  // ---------- export ----------

  function valueAt(record: Record<string, unknown>, path: string): unknown {
    // `identities[0].connection`, `user_metadata.plan`: Auth0's field paths.
    let current: unknown = record;
    for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
      if (typeof current !== 'object' || current === null) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  }

  const csvCell = (value: unknown): string => {
    if (value === undefined || value === null) return '';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };

  async function exportTurn(job: UserJobRow): Promise<boolean> {
    const input = JSON.parse(job.input) as ExportJobInput;
    const fields = input.fields ?? DEFAULT_EXPORT_FIELDS;
    const connection = job.connection_id ? (await store.connections.list(job.tenant_id)).find((c) => c.id === job.connection_id) : undefined;
    const records: Array<Record<string, unknown>> = [];
    const limit = input.limit ?? Number.MAX_SAFE_INTEGER;
    for (let offset = 0; records.length < limit; offset += 500) {
      const page = await store.users.list(job.tenant_id, connection ? { connectionName: connection.name } : {}, { offset, limit: 500 });
      for (const user of page) {
        if (records.length >= limit) break;
        const phones = (await store.authenticators.listByUser(job.tenant_id, user.user_id)).filter((a) => a.type === 'phone' && a.status === 'confirmed' && a.phone_number);
        const full: Record<string, unknown> = { ...toUserView(user), password_hash: user.password_hash ?? undefined };
        const record: Record<string, unknown> = {};
        for (const field of fields) {
          let value: unknown;
          if (field.name === 'mfa_factors') {
            value = phones.map((a) => ({ phone: { value: field.include_secrets ? a.phone_number! : maskPhoneNumber(a.phone_number!) } }));
          } else {
            value = valueAt(full, field.name);
          }
          if (value !== undefined) record[field.export_as ?? field.name] = value;
        }
        records.push(record);
      }
      if (page.length < 500) break;
    }
    const format = input.format ?? 'json';
    const text =
      format === 'json'
        ? records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '')
        : [fields.map((f) => csvCell(f.export_as ?? f.name)).join(','), ...records.map((r) => fields.map((f) => csvCell(r[f.export_as ?? f.name])).join(','))].join('\r\n') + '\r\n';
    const token = randomBytes(32).toString('base64url');
    await store.userJobs.update(job.id, {
      status: 'completed',
      result: gzipSync(text).toString('base64'),
      file_token_hash: hashToken(token),
      result_expires_at: new Date(clock.now().getTime() + EXPORT_LINK_TTL_MS).toISOString(),
      // The token itself is kept only inside the job's input, so GET /jobs/{id} can show the link again.
      input: JSON.stringify({ ...input, fileToken: token }),
      total: records.length,
      completed_at: now(),
      updated_at: now(),
      lease_until: null,
    });
    return true;
  }

  // ---------- running ----------

  /** One turn on one job this node holds the lease of; true when the job is finished. */
  async function turn(id: string): Promise<boolean> {
    const job = await store.userJobs.findById(id);
    if (!job || job.status === 'completed' || job.status === 'failed') return true;
    try {
      return job.type === 'users_import' ? await importTurn(job) : await exportTurn(job);
    } catch (err) {
      // Storage failing mid-turn: the lease runs out and a later poll resumes from the committed cursor.
      await store.userJobs.update(id, { lease_until: null }).catch(() => undefined);
      throw err;
    }
  }

  async function claimAndRun(id: string, seenLease: string | null): Promise<boolean> {
    const until = new Date(clock.now().getTime() + LEASE_MS).toISOString();
    if (!(await store.userJobs.claim(id, seenLease, until, now()))) return false;
    for (;;) {
      if (await turn(id)) return true;
      const renewed = new Date(clock.now().getTime() + LEASE_MS).toISOString();
      const current = await store.userJobs.findById(id);
      if (!current || !(await store.userJobs.claim(id, current.lease_until, renewed, now()))) return false;
    }
  }

  /** Runs every job whose lease is free (the poller's work); returns how many it finished. */
  async function runDue(): Promise<number> {
    let finished = 0;
    for (const job of await store.userJobs.listClaimable(now(), 10)) if (await claimAndRun(job.id, job.lease_until)) finished++;
    return finished;
  }

  /** Starts a job on this node right away, without waiting for the poller; failures are left to the poller. */
  function kick(id: string): void {
    const work = claimAndRun(id, null).catch(() => false);
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  const poller = createPoller(runDue, 2_000);

  /** A new job row: pending, nothing counted, no lease. */
  function newJob(tenant: Tenant, fields: Pick<UserJobRow, 'type' | 'connection_id' | 'external_id' | 'upsert' | 'input' | 'total'>): UserJobRow {
    const at = now();
    return {
      id: `job_${randomString(random, 16)}`,
      tenant_id: tenant.id,
      status: 'pending',
      cursor: 0,
      inserted: 0,
      updated: 0,
      failed: 0,
      result: null,
      file_token_hash: null,
      result_expires_at: null,
      lease_until: null,
      created_at: at,
      updated_at: at,
      completed_at: null,
      ...fields,
    };
  }

  return {
    async createImport(tenant: Tenant, input: ImportJobInput, options: { start?: boolean } = {}): Promise<JobView> {
      const connection = await connectionFor(tenant, input.connection_id);
      if (Buffer.byteLength(input.users) > deps.importMaxBytes) throw new ValidationError(`users: the file is larger than ${deps.importMaxBytes} bytes`);
      const rows = parseUsersFile(input.users);
      if (rows.length === 0) throw new ValidationError('users: the file holds no users');
      const job = newJob(tenant, { type: 'users_import', connection_id: connection.id, external_id: input.external_id ?? null, upsert: input.upsert ? 1 : 0, input: JSON.stringify(rows), total: rows.length });
      await store.userJobs.insert(job);
      if (options.start !== false) kick(job.id);
      return view(job, connection.name);
    },

    async createExport(tenant: Tenant, input: ExportJobInput, options: { start?: boolean } = {}): Promise<JobView> {
      const connection = input.connection_id ? await connectionFor(tenant, input.connection_id) : undefined;
      const fields = input.fields ?? DEFAULT_EXPORT_FIELDS;
      if (fields.length === 0 || fields.length > MAX_EXPORT_FIELDS) throw new ValidationError(`fields: give 1–${MAX_EXPORT_FIELDS} fields`);
      for (const field of fields) {
        if (SENSITIVE_FIELDS.has(field.name) && field.include_secrets !== true) {
          throw new ValidationError(`fields: ${field.name} is sensitive: ask for it with "include_secrets": true`);
        }
        if (field.include_secrets === true && field.name !== 'mfa_factors' && !SENSITIVE_FIELDS.has(field.name)) {
          throw new ValidationError(`fields: include_secrets applies to mfa_factors and password_hash only`);
        }
      }
      if (input.format === 'csv' && fields.some((f) => f.name === 'user_metadata' || f.name === 'app_metadata')) {
        throw new ValidationError('fields: a CSV export names metadata fields one by one (user_metadata.plan), as in Auth0');
      }
      const job = newJob(tenant, { type: 'users_export', connection_id: connection?.id ?? null, external_id: null, upsert: 0, input: JSON.stringify({ ...input, fields }), total: 0 });
      await store.userJobs.insert(job);
      if (options.start !== false) kick(job.id);
      return view(job, connection?.name);
    },

    async get(tenant: Tenant, id: string): Promise<JobView> {
      const job = await store.userJobs.find(tenant.id, id);
      if (!job) throw new NotFoundError('job', 'The job does not exist.');
      const connection = job.connection_id ? (await store.connections.list(tenant.id)).find((c) => c.id === job.connection_id) : undefined;
      const out = view(job, connection?.name);
      if (job.type === 'users_export' && job.status === 'completed' && job.result_expires_at) {
        const left = Math.floor((Date.parse(job.result_expires_at) - clock.now().getTime()) / 1000);
        const token = (JSON.parse(job.input) as { fileToken?: string }).fileToken;
        if (left > 0 && token) out.location = `${tenant.issuer}export-files/${token}`;
      }
      return out;
    },

    async errors(tenant: Tenant, id: string): Promise<JobErrorView[]> {
      const job = await store.userJobs.find(tenant.id, id);
      if (!job) throw new NotFoundError('job', 'The job does not exist.');
      return (await store.userJobs.listErrors(job.id)).map((row) => ({ user: JSON.parse(row.user), errors: JSON.parse(row.errors) }));
    },

    /** The gzipped export behind a download link, while it has not expired. */
    async download(token: string): Promise<{ gzip: Buffer; format: 'json' | 'csv' } | undefined> {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const job = await store.userJobs.findByFileToken(hashToken(token));
      if (!job || !job.result || !job.result_expires_at || Date.parse(job.result_expires_at) <= clock.now().getTime()) return undefined;
      return { gzip: Buffer.from(job.result, 'base64'), format: (JSON.parse(job.input) as ExportJobInput).format ?? 'json' };
    },

    importMaxBytes: deps.importMaxBytes,
    runDue,
    start: (intervalMs?: number) => poller.start(intervalMs),
    async stop(): Promise<void> {
      await poller.stop();
      await Promise.allSettled([...inFlight]);
    },
    /** Waits for the jobs this node started (tests, and a clean shutdown). */
    settle: () => Promise.allSettled([...inFlight]),
  };
}

export type UserJobs = ReturnType<typeof createUserJobs>;
