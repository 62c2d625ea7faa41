import { randomString } from '../domain/ids.js';
import { codeMatches, generateRecoveryCode, hashCode } from '../domain/otp.js';
import { maskPhoneNumber, parsePhoneNumber } from '../domain/phone-number.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import type { AuthenticatorRow } from '../store/repositories/authenticators.js';
import type { Repositories } from '../store/store.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { EventLog } from './events.js';
import type { PhoneMessageType } from './guardian.js';
import type { Tenant } from './tenants.js';

/**
 * Users' authenticators (Auth0's enrollments / authentication methods): one row per phone number, shown by the MFA
 * API as an `sms|dev_…` and a `voice|dev_…` authenticator (created and deleted together), and one recovery code.
 * This module owns the ids, the views each API shows and the changes both APIs make.
 */

export type AuthenticatorType = 'phone' | 'recovery-code';
export const newDeviceId = (random: ServiceDeps['random']) => `dev_${randomString(random, 16)}`;

/** `GET /mfa/authenticators` item. */
export interface MfaAuthenticatorView {
  id: string;
  authenticator_type: 'oob' | 'recovery-code';
  active: boolean;
  oob_channel?: PhoneMessageType;
  name?: string;
}

/** `/api/v2/users/{id}/authentication-methods` item. */
export interface AuthenticationMethodView {
  id: string;
  type: AuthenticatorType;
  confirmed: boolean;
  created_at: string;
  name?: string;
  phone_number?: string;
  preferred_authentication_method?: PhoneMessageType;
  authentication_methods?: Array<{ id: string; type: PhoneMessageType }>;
  enrolled_at?: string;
  last_auth_at?: string;
}

/** `/api/v2/guardian/enrollments/{id}` and `/api/v2/users/{id}/enrollments` item. */
export interface EnrollmentView {
  id: string;
  status: 'pending' | 'confirmed';
  type: 'sms';
  name?: string;
  phone_number?: string;
  auth_method: 'sms';
  enrolled_at?: string;
  last_auth?: string;
}

/** Drops null and undefined fields: Auth0 leaves absent attributes out rather than sending null. */
const optional = <T extends object>(entries: T): { [K in keyof T]: Exclude<T[K], null> } =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };

export function mfaAuthenticatorViews(row: AuthenticatorRow, messageTypes: readonly PhoneMessageType[]): MfaAuthenticatorView[] {
  const active = row.status === 'confirmed';
  if (row.type === 'recovery-code') return [{ id: `recovery-code|${row.id}`, authenticator_type: 'recovery-code', active }];
  const name = row.phone_number ? maskPhoneNumber(row.phone_number) : undefined;
  return messageTypes.map((channel) => optional({ id: `${channel}|${row.id}`, authenticator_type: 'oob' as const, active, oob_channel: channel, name }));
}

export function authenticationMethodView(row: AuthenticatorRow): AuthenticationMethodView {
  const base = optional({
    id: `${row.type}|${row.id}`,
    type: row.type as AuthenticatorType,
    confirmed: row.status === 'confirmed',
    created_at: row.created_at,
    enrolled_at: row.enrolled_at,
    last_auth_at: row.last_auth_at,
  });
  if (row.type !== 'phone') return base;
  return optional({
    ...base,
    name: row.name ?? (row.phone_number ? maskPhoneNumber(row.phone_number) : undefined),
    phone_number: row.phone_number,
    preferred_authentication_method: (row.preferred_method ?? 'sms') as PhoneMessageType,
    authentication_methods: (['sms', 'voice'] as const).map((type) => ({ id: `${type}|${row.id}`, type })),
  });
}

export function enrollmentView(row: AuthenticatorRow): EnrollmentView {
  return optional({
    id: row.id,
    status: row.status as EnrollmentView['status'],
    type: 'sms' as const,
    name: row.phone_number ? maskPhoneNumber(row.phone_number) : undefined,
    phone_number: row.phone_number,
    auth_method: 'sms' as const,
    enrolled_at: row.enrolled_at,
    last_auth: row.last_auth_at,
  });
}

/**
 * Splits the ids the APIs use (`sms|dev_…`, `voice|dev_…`, `phone|dev_…`, `recovery-code|dev_…`, or a bare
 * `dev_…`) into the stored id and the channel it names. Undefined for anything else.
 */
export function parseAuthenticatorId(id: string): { deviceId: string; kind: 'sms' | 'voice' | 'phone' | 'recovery-code' | 'device' } | undefined {
  const match = /^(?:(sms|voice|phone|recovery-code)\|)?(dev_[A-Za-z0-9]{16})$/.exec(id);
  if (!match) return undefined;
  return { deviceId: match[2]!, kind: (match[1] as 'sms' | 'voice' | 'phone' | 'recovery-code' | undefined) ?? 'device' };
}

export function createAuthenticators({ store, clock, random, secretBox }: ServiceDeps, { events }: { events: EventLog }) {
  const recoveryKey = secretBox.derive('recovery-code');
  const nowIso = () => clock.now().toISOString();

  function unenrollEvent(tenant: Tenant, row: AuthenticatorRow, context: RequestContext, tx: Pick<Repositories, 'logs'>) {
    return events.record(
      tenant.id,
      {
        type: 'gd_unenroll',
        description: 'Unenroll device account',
        userId: row.user_id,
        details: { authenticator: optional({ id: row.id, type: row.type, phone_number: row.phone_number ? maskPhoneNumber(row.phone_number) : undefined }) },
      },
      context,
      tx,
    );
  }

  /**
   * A new recovery code for the user (Auth0's `recovery-code-regeneration` and the recovery grant): replaces
   * the old one, or creates the recovery-code authenticator. Returned once; only its hash is kept.
   */
  async function regenerateRecoveryCode(tenant: Tenant, userId: string, tx: Pick<Repositories, 'authenticators'> = store): Promise<string> {
    const code = generateRecoveryCode(random);
    const existing = (await tx.authenticators.listByUser(tenant.id, userId)).find((a) => a.type === 'recovery-code');
    if (existing) {
      await tx.authenticators.update(tenant.id, existing.id, { secret_hash: hashCode(recoveryKey, existing.id, code) });
      return code;
    }
    const id = newDeviceId(random);
    const at = nowIso();
    await tx.authenticators.insert({
      id,
      tenant_id: tenant.id,
      user_id: userId,
      type: 'recovery-code',
      status: 'confirmed',
      phone_number: null,
      preferred_method: null,
      name: null,
      secret_hash: hashCode(recoveryKey, id, code),
      created_at: at,
      enrolled_at: at,
      last_auth_at: null,
    });
    return code;
  }

  return {
    /** Constant-time check of a (normalised) recovery code against the user's recovery-code authenticator. */
    recoveryCodeMatches: (row: AuthenticatorRow, code: string) => row.secret_hash !== null && codeMatches(recoveryKey, row.id, code, row.secret_hash),

    listForUser: (tenant: Tenant, userId: string) => store.authenticators.listByUser(tenant.id, userId),

    async find(tenant: Tenant, id: string): Promise<AuthenticatorRow | undefined> {
      const parsed = parseAuthenticatorId(id);
      if (!parsed) return undefined;
      const row = await store.authenticators.find(tenant.id, parsed.deviceId);
      if (!row) return undefined;
      const kindMatches = parsed.kind === 'device' || (parsed.kind === 'recovery-code' ? row.type === 'recovery-code' : row.type === 'phone');
      return kindMatches ? row : undefined;
    },

    regenerateRecoveryCode,

    /**
     * An administrator adds a phone for a user (`POST /users/{id}/authentication-methods`): confirmed at once,
     * as in Auth0. One phone per user, as the MFA API enrolls. An enrollment the user started and never
     * confirmed (a pending phone, and the pending recovery code that came with it) is replaced, as
     * `/mfa/associate` replaces it; only a confirmed phone is a conflict (same number) or the limit.
     */
    async addPhone(
      tenant: Tenant,
      userId: string,
      input: { phone_number: string; name?: string; preferred_authentication_method?: PhoneMessageType },
      context: RequestContext,
    ): Promise<AuthenticationMethodView> {
      const parsed = parsePhoneNumber(input.phone_number);
      if (!parsed.ok) throw new ValidationError(`phone_number: ${parsed.message}`);
      const at = nowIso();
      const row: AuthenticatorRow = {
        id: newDeviceId(random),
        tenant_id: tenant.id,
        user_id: userId,
        type: 'phone',
        status: 'confirmed',
        phone_number: parsed.e164,
        preferred_method: input.preferred_authentication_method ?? 'sms',
        name: input.name ?? null,
        secret_hash: null,
        created_at: at,
        enrolled_at: at,
        last_auth_at: null,
      };
      await store.transaction(async (tx) => {
        const existing = await tx.authenticators.listByUser(tenant.id, userId);
        const confirmedPhones = existing.filter((a) => a.type === 'phone' && a.status === 'confirmed');
        if (confirmedPhones.some((a) => a.phone_number === parsed.e164)) throw new ConflictError('authentication_method', 'Authentication method already exists');
        if (confirmedPhones.length > 0) throw new ConflictError('authentication_method_limit', 'You reached the limit of entities of this type for this user');
        for (const pending of existing.filter((a) => a.status === 'pending')) await tx.authenticators.delete(tenant.id, pending.id);
        await tx.authenticators.insert(row);
        await events.record(
          tenant.id,
          {
            type: 'gd_enrollment_complete',
            description: 'Phone authentication method added through the Management API',
            userId,
            details: { authenticator: { id: row.id, type: 'phone', phone_number: maskPhoneNumber(parsed.e164) }, created_by: 'management_api' },
          },
          context,
          tx,
        );
      });
      return authenticationMethodView(row);
    },

    /**
     * `POST /users/{id}/recovery-code-regeneration`: a new recovery code for a user enrolled with a phone
     * (replacing the old one, or creating one when the user has none), written as `gd_update_device_account`.
     * A user without a confirmed phone gets none: a recovery code alone would leave them "enrolled" with
     * nothing to be challenged on.
     */
    async resetRecoveryCode(tenant: Tenant, userId: string, context: RequestContext): Promise<string> {
      return store.transaction(async (tx) => {
        const rows = await tx.authenticators.listByUser(tenant.id, userId);
        if (!rows.some((a) => a.type === 'phone' && a.status === 'confirmed')) {
          throw new NotFoundError('authenticator', 'The user has no confirmed phone enrollment, so no recovery code can be generated');
        }
        const code = await regenerateRecoveryCode(tenant, userId, tx);
        const recovery = (await tx.authenticators.listByUser(tenant.id, userId)).find((a) => a.type === 'recovery-code')!;
        // One left pending by an unfinished enrollment belongs to the confirmed phone now.
        if (recovery.status !== 'confirmed') await tx.authenticators.update(tenant.id, recovery.id, { status: 'confirmed', enrolled_at: recovery.enrolled_at ?? nowIso() });
        await events.record(
          tenant.id,
          {
            type: 'gd_update_device_account',
            description: 'Recovery code regenerated through the Management API',
            userId,
            details: { authenticator: { id: recovery.id, type: 'recovery-code' }, updated_by: 'management_api' },
          },
          context,
          tx,
        );
        return code;
      });
    },

    /**
     * Removes one authenticator of the user (both channels of a phone); `gd_unenroll`. Removing the user's last
     * confirmed phone removes the recovery code too (its own `gd_unenroll`), as deleting an Auth0 Guardian
     * enrollment does: a recovery code alone would keep the user "enrolled" with no factor to be challenged on
     * and no way to enroll again with an mfa_token.
     */
    async remove(tenant: Tenant, row: AuthenticatorRow, context: RequestContext): Promise<void> {
      await store.transaction(async (tx) => {
        if (!(await tx.authenticators.delete(tenant.id, row.id))) throw new NotFoundError('authenticator', 'Authenticator not found');
        await unenrollEvent(tenant, row, context, tx);
        if (row.type !== 'phone') return;
        const rest = await tx.authenticators.listByUser(tenant.id, row.user_id);
        if (rest.some((a) => a.type === 'phone' && a.status === 'confirmed')) return;
        for (const recovery of rest.filter((a) => a.type === 'recovery-code')) {
          await tx.authenticators.delete(tenant.id, recovery.id);
          await unenrollEvent(tenant, recovery, context, tx);
        }
      });
    },

    /** Removes every authenticator of the user (`DELETE /users/{id}/authenticators` and `/authentication-methods`). */
    async removeAll(tenant: Tenant, userId: string, context: RequestContext): Promise<number> {
      return store.transaction(async (tx) => {
        const rows = await tx.authenticators.listByUser(tenant.id, userId);
        for (const row of rows) {
          await tx.authenticators.delete(tenant.id, row.id);
          await unenrollEvent(tenant, row, context, tx);
        }
        return rows.length;
      });
    },
  };
}

export type Authenticators = ReturnType<typeof createAuthenticators>;
