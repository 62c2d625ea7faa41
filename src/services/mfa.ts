import { hashToken } from '../crypto/secret-box.js';
import { GRANT_TYPES } from '../domain/grant-types.js';
import { createSortableIdGenerator, newId, randomString } from '../domain/ids.js';
import type { LogType } from '../domain/log-types.js';
import type { MessageChannel, TemplateLocale } from '../domain/message-templates.js';
import { codeMatches, generateCode, hashCode, normaliseRecoveryCode } from '../domain/otp.js';
import { maskPhoneNumber, parsePhoneNumber } from '../domain/phone-number.js';
import { DependencyUnavailableError, OAuthError } from '../errors/errors.js';
import { PHONE_LIMITS } from '../limits/index.js';
import { isUniqueViolation } from '../store/database.js';
import type { AuthenticatorRow } from '../store/repositories/authenticators.js';
import type { ClientRow } from '../store/repositories/clients.js';
import type { MfaTransactionRow } from '../store/repositories/mfa.js';
import type { UserWithConnection } from '../store/repositories/users.js';
import { mfaAuthenticatorViews, newDeviceId, parseAuthenticatorId, type Authenticators, type MfaAuthenticatorView } from './authenticators.js';
import type { SecondFactor } from './authorization.js';
import type { Clients } from './clients.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { EventLog, LogEntryInput } from './events.js';
import type { Guardian, GuardianSettings } from './guardian.js';
import { unavailableDescription } from './outage.js';
import { PhoneSendError, type CodeMessage, type PhoneDelivery } from './phone-delivery.js';
import type { Tenant } from './tenants.js';
import { TokenVerificationError, type Tokens } from './tokens.js';
import { MFA_API_TOKEN_SECONDS, mfaAudience, type TokenSet, type UserTokens } from './user-tokens.js';
import type { Users } from './users.js';

/**
 * Auth0's MFA API for the phone factor: the `mfa_required` transaction, `/mfa/authenticators`, `/mfa/associate`,
 * `/mfa/challenge`, and the `mfa-oob` and `mfa-recovery-code` grants. Codes are bound to their challenge,
 * limited by the user's token buckets, single use; every outcome writes its Auth0 event.
 */


/** Who calls an `/mfa/*` endpoint: the mfa_token of a password login, or an access token for the MFA API. */
export type MfaCaller =
  | { kind: 'mfa_token'; transaction: MfaTransactionRow; user: UserWithConnection }
  | { kind: 'access_token'; token: string; user: UserWithConnection; scopes: string[]; clientId: string; expiresAt: Date };

export interface AssociateInput {
  authenticator_types: string[];
  oob_channels?: string[] | undefined;
  phone_number?: string | undefined;
}

export interface AssociateResult {
  authenticator_type: 'oob';
  binding_method: 'prompt';
  oob_channel: MessageChannel;
  oob_code: string;
  recovery_codes?: string[];
}

export interface ChallengeInput {
  mfa_token?: string | undefined;
  challenge_type?: string | undefined;
  authenticator_id?: string | undefined;
  oob_channel?: string | undefined;
}

const userName = (user: UserWithConnection) => user.email ?? user.username ?? user.user_id;
const looksLikeJwt = (token: string) => token.split('.').length === 3;

const TOO_MANY_FAILURES = 'Too many failed codes. Wait for some minutes before retrying.';
const tooManyMessages = (channel: MessageChannel) =>
  channel === 'sms' ? 'Too many SMS sent by the user. Wait for some minutes before retrying.' : 'Too many voice calls made to the user. Wait for some minutes before retrying.';

/** What a refused send answers: the user's own limit, the tenant's trial cap, or a delivery problem. */
function sendError(err: PhoneSendError): OAuthError {
  const retry = err.retryAfterMs !== undefined ? { headers: { 'retry-after': String(Math.ceil(err.retryAfterMs / 1000)) } } : {};
  switch (err.reason) {
    case 'too_many_messages':
      return new OAuthError('invalid_request', tooManyMessages(err.channel), { statusCode: 429, ...retry });
    case 'too_many_sms_per_tenant':
      return new OAuthError('too_many_sms_per_tenant', 'The tenant has used up the messages of the built-in phone provider. Ask its administrator to configure a delivery provider.');
    case 'voice_not_supported':
      return new OAuthError('invalid_request', err.message);
    case 'permanent':
      // The provider refused this number (invalid, not reachable, unsubscribed, not allowed in its country): another
      // try would fail the same way. The provider's own words stay in the event log (they may repeat the number).
      return new OAuthError('invalid_request', 'The code could not be delivered to this phone number. Check the number, or use another authenticator.');
    default:
      return new OAuthError('temporarily_unavailable', 'The code could not be sent. Try again later.');
  }
}

export function createMfa(
  deps: ServiceDeps,
  services: {
    users: Users;
    clients: Clients;
    guardian: Guardian;
    authenticators: Authenticators;
    phoneDelivery: PhoneDelivery;
    userTokens: UserTokens;
    tokens: Tokens;
    events: EventLog;
  },
) {
  const { store, clock, random, secretBox, limiter } = deps;
  const { users, clients, guardian, authenticators, phoneDelivery, userTokens, tokens, events } = services;
  const otpKey = secretBox.derive('otp');
  // Challenge ids sort by time (and by creation order within a process), which decides which resend is the newest.
  const nextChallengeId = createSortableIdGenerator(random);
  const now = () => clock.now();
  const nowIso = () => now().toISOString();
  const isExpired = (expiresAt: string) => new Date(expiresAt) <= now();

  const who = (user: UserWithConnection, client?: ClientRow) => ({
    userId: user.user_id,
    userName: userName(user),
    connection: user.connection_name,
    ...(client ? { clientId: client.client_id, clientName: client.name } : {}),
  });

  /**
   * Finds the transaction of an mfa_token (opaque) or of an MFA API access token used as one, with its user (read in
   * the same statement; undefined when the user is gone, which each caller refuses in its own way).
   */
  async function resolveTransaction(tenant: Tenant, token: string): Promise<{ transaction: MfaTransactionRow; user: UserWithConnection | undefined }> {
    const found = await store.mfa.findTransactionWithUser(tenant.id, hashToken(token));
    if (!found) {
      if (looksLikeJwt(token)) {
        // An expired access token says so; the status is the endpoint's (the Bearer endpoints make it 401).
        await verifyMfaAccessToken(tenant, token).catch((err: unknown) => {
          throw err instanceof OAuthError ? new OAuthError(err.error, err.description) : err;
        });
      }
      throw new OAuthError('invalid_grant', 'Malformed mfa_token');
    }
    const { transaction } = found;
    if (isExpired(transaction.expires_at)) throw new OAuthError('expired_token', 'mfa_token is expired');
    if (transaction.completed_at !== null) throw new OAuthError('invalid_grant', 'mfa_token has already been used');
    return found;
  }

  async function verifyMfaAccessToken(tenant: Tenant, token: string) {
    try {
      return await tokens.verify(tenant, token, [mfaAudience(tenant)]);
    } catch (err) {
      // Only a verdict on the token is the caller's fault; a key that could not be read (database down) is not.
      if (!(err instanceof TokenVerificationError)) throw err;
      if (err.problem === 'expired') throw new OAuthError('expired_token', 'mfa_token is expired', { statusCode: 401 });
      throw new OAuthError('invalid_grant', 'Malformed mfa_token', { statusCode: 401 });
    }
  }

  /**
   * An MFA API access token enrolling another authenticator gets a transaction of its own (keyed by the
   * token's hash) so its challenges are bound like any other; it lives no longer than the token, and at most
   * as long as an mfa_token.
   */
  async function transactionForAccessToken(tenant: Tenant, caller: Extract<MfaCaller, { kind: 'access_token' }>): Promise<MfaTransactionRow> {
    const expiresAt = new Date(Math.min(caller.expiresAt.getTime(), now().getTime() + MFA_API_TOKEN_SECONDS * 1000));
    const tokenHash = hashToken(caller.token);
    const existing = await store.mfa.findTransactionByTokenHash(tenant.id, tokenHash);
    if (existing) return existing;
    const row: MfaTransactionRow = {
      id: `mfa_${randomString(random, 24)}`,
      token_hash: tokenHash,
      first_factor: 'mfa_access_token',
      tenant_id: tenant.id,
      client_id: caller.clientId,
      user_id: caller.user.user_id,
      scope: caller.scopes.join(' '),
      audience: mfaAudience(tenant),
      created_at: nowIso(),
      expires_at: expiresAt.toISOString(),
      completed_at: null,
    };
    try {
      await store.mfa.insertTransaction(row);
      return row;
    } catch (err) {
      // Two requests with the same token raced: the other one's row is as good.
      const raced = isUniqueViolation(err) ? await store.mfa.findTransactionByTokenHash(tenant.id, tokenHash) : undefined;
      if (!raced) throw err;
      return raced;
    }
  }

  /** The transaction's user, as `resolveTransaction` read it: refused when gone or blocked. */
  function requireUser(user: UserWithConnection | undefined): UserWithConnection {
    if (!user) throw new OAuthError('invalid_grant', 'Malformed mfa_token');
    if (user.blocked === 1) throw new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 });
    return user;
  }

  /**
   * A code is only worth sending to an application that can exchange it: one without the mfa-oob grant gets
   * `unauthorized_client` before a message goes out (an SMS nobody can use is cost, and a pumping vector).
   */
  function requireOobGrant(client: ClientRow | undefined) {
    if (!client || !clients.grantTypesOf(client).includes(GRANT_TYPES.mfaOob)) {
      throw new OAuthError('unauthorized_client', `Grant type '${GRANT_TYPES.mfaOob}' not allowed for the client.`);
    }
  }

  function requireScope(caller: MfaCaller, scope: 'enroll' | 'read:authenticators' | 'remove:authenticators') {
    if (caller.kind === 'access_token' && !caller.scopes.includes(scope)) {
      throw new OAuthError('access_denied', `Insufficient scope, expected: ${scope}`, { statusCode: 403 });
    }
  }

  /** A new code for `authenticator` on `channel`: the fixed one for a test number, else from the CSPRNG. */
  function newCode(settings: GuardianSettings, phoneNumber: string): string {
    return settings.testNumbers.find((n) => n.phone_number === phoneNumber)?.code ?? generateCode(random, settings.otpLength);
  }

  function newChallenge(transaction: MfaTransactionRow, authenticatorId: string, channel: MessageChannel, purpose: 'enrollment' | 'verification', code: string, settings: GuardianSettings) {
    const at = now();
    const id = `chl_${nextChallengeId(at)}`;
    const oobCode = newId.opaqueToken(random);
    return {
      oobCode,
      row: {
        id,
        oob_code_hash: hashToken(oobCode),
        tenant_id: transaction.tenant_id,
        transaction_id: transaction.id,
        authenticator_id: authenticatorId,
        channel,
        purpose,
        code_hash: hashCode(otpKey, id, code),
        created_at: at.toISOString(),
        expires_at: new Date(at.getTime() + settings.otpLifetimeSeconds * 1000).toISOString(),
        consumed_at: null,
      },
    };
  }

  /**
   * Sends a code; when the send fails for any reason (refused, or the limiter or the database gone mid-way), `undo`
   * removes what was written for it and the caller gets the matching error.
   */
  async function sendOrUndo(message: CodeMessage, undo: () => Promise<unknown>): Promise<void> {
    try {
      await phoneDelivery.sendCode(message);
    } catch (err) {
      try {
        await undo();
      } catch {
        // The undo needs the database; when that is what failed, the original error is the one to report. What
        // stays is a pending enrollment (replaced by the next associate) or a challenge whose code was never sent.
      }
      throw err instanceof PhoneSendError ? sendError(err) : err;
    }
  }

  const secondFactor: SecondFactor = {
    /**
     * MFA is due when the phone factor is on and the policy asks for it: `all-applications` always,
     * `confidence-score` (no risk engine here) for users who have enrolled.
     */
    async isRequired(tenant, userId) {
      const { factors, settings } = await guardian.factorsAndSettings(tenant);
      if (!factors.has('sms')) return false;
      const { mfaPolicies } = settings;
      if (mfaPolicies.includes('all-applications')) return true;
      if (!mfaPolicies.includes('confidence-score')) return false;
      return (await store.authenticators.listByUser(tenant.id, userId)).some((a) => a.status === 'confirmed');
    },

    async start(tenant, client, user, request, context) {
      const token = newId.opaqueToken(random);
      const at = now();
      await store.transaction(async (tx) => {
        await tx.mfa.insertTransaction({
          id: `mfa_${randomString(random, 24)}`,
          token_hash: hashToken(token),
          first_factor: 'password',
          tenant_id: tenant.id,
          client_id: client.client_id,
          user_id: user.user_id,
          scope: request.scope.join(' '),
          audience: request.audience,
          created_at: at.toISOString(),
          expires_at: new Date(at.getTime() + MFA_API_TOKEN_SECONDS * 1000).toISOString(),
          completed_at: null,
        });
        await events.record(tenant.id, { type: 'mfar', description: 'Multifactor authentication required', ...who(user, client) }, context, tx);
      });
      return token;
    },
  };

  /**
   * Records the failed exchange (`feoobft` / `fercft`) and throws: a refusal with its description, an outage (the
   * limiter's Redis, the database) naming its cause. An outage of the database cannot be recorded there; the
   * surface's log line still names it.
   */
  async function refuseExchange(tenant: Tenant, type: LogType, client: ClientRow, err: unknown, context: RequestContext, user?: UserWithConnection): Promise<never> {
    const description = err instanceof OAuthError ? err.description : err instanceof DependencyUnavailableError ? unavailableDescription(err) : undefined;
    if (description === undefined) throw err;
    try {
      await events.record(tenant.id, { type, description, clientId: client.client_id, clientName: client.name, ...(user ? who(user) : {}) }, context);
    } catch (recordErr) {
      if (!(err instanceof DependencyUnavailableError)) throw recordErr;
    }
    throw err;
  }

  /** The checks both MFA grants start with: grant allowed, token present and issued to this client, user allowed. */
  async function openExchange(tenant: Tenant, client: ClientRow, grantType: string, mfaToken: string | undefined) {
    if (!clients.grantTypesOf(client).includes(grantType)) throw new OAuthError('unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);
    if (!mfaToken) throw new OAuthError('invalid_request', 'Missing required parameter: mfa_token', { statusCode: 400 });
    const { transaction, user } = await resolveTransaction(tenant, mfaToken);
    if (transaction.client_id !== client.client_id) throw new OAuthError('invalid_grant', 'mfa_token was not issued to this client');
    return { transaction, user: requireUser(user) };
  }

  /** Auth0's "MFA OOB token exchange": 12 per minute per transaction. */
  async function throttleExchange(tenant: Tenant, transaction: MfaTransactionRow): Promise<void> {
    const exchange = await limiter.take(PHONE_LIMITS.oobExchange, `${tenant.id}:${transaction.id}`);
    if (exchange.allowed) return;
    throw new OAuthError('too_many_attempts', 'Too many token requests for this MFA transaction. Wait a minute before retrying.', {
      headers: { 'retry-after': String(Math.ceil(exchange.retryAfterMs / 1000)) },
    });
  }

  /** Takes one wrong-code token before a code is compared (so concurrent guesses cannot exceed the bucket). */
  async function takeAttempt(tenant: Tenant, user: UserWithConnection, client: ClientRow, limitType: LogType, context: RequestContext): Promise<void> {
    const attempt = await limiter.take(PHONE_LIMITS.wrongCodes, `${tenant.id}:${user.user_id}`);
    if (attempt.allowed) return;
    await events.record(tenant.id, { type: limitType, description: TOO_MANY_FAILURES, ...who(user, client), details: { reset_time: new Date(now().getTime() + attempt.retryAfterMs).toISOString() } }, context);
    throw new OAuthError('invalid_request', TOO_MANY_FAILURES, { statusCode: 429, headers: { 'retry-after': String(Math.ceil(attempt.retryAfterMs / 1000)) } });
  }

  /** Completes a password transaction exactly once; an MFA access-token transaction stays usable. */
  async function finishTransaction(tx: Parameters<Parameters<typeof store.transaction>[0]>[0], transaction: MfaTransactionRow): Promise<void> {
    if (transaction.first_factor !== 'password') return;
    if (!(await tx.mfa.completeTransaction(transaction.id, nowIso()))) throw new OAuthError('invalid_grant', 'mfa_token has already been used');
  }

  /**
   * The tokens an exchange ends in, signed before the transaction that spends the second factor; `commit` runs inside
   * that transaction (refresh token, login count, the success event), so nothing can fail after the commit.
   */
  async function prepareTokens(tenant: Tenant, client: ClientRow, user: UserWithConnection, transaction: MfaTransactionRow, grantType: 'mfa-oob' | 'mfa-recovery-code', context: RequestContext) {
    const scopes = transaction.scope.split(' ').filter(Boolean);
    const prepared = await userTokens.prepare(tenant, client, user, { scopes, audience: transaction.audience, grantType });
    return {
      tokens: prepared.tokens,
      /** `before`: the exchange's own events, written with the success event in one statement, in order. */
      async commit(tx: Parameters<Parameters<typeof store.transaction>[0]>[0], before: LogEntryInput[] = []) {
        await prepared.persist(tx);
        if (transaction.first_factor === 'password') await users.recordLogin(tenant, user, context.ip, tx);
        const type = grantType === 'mfa-oob' ? 'seoobft' : 'sercft';
        await events.recordAll(tenant.id, [...before, { type, ...who(user, client), details: { scope: scopes.join(' ') } }], context, tx);
      },
    };
  }

  return {
    secondFactor,

    /** Bearer of an `/mfa/*` request: an mfa_token, or an access token whose audience is the MFA API. */
    async authenticate(tenant: Tenant, bearer: string | undefined): Promise<MfaCaller> {
      if (!bearer) throw new OAuthError('unauthorized', 'Missing authorization: send the mfa_token or an MFA API access token as a Bearer token', { statusCode: 401 });
      if (looksLikeJwt(bearer)) {
        const verified = await verifyMfaAccessToken(tenant, bearer);
        const user = verified.payload.sub ? await users.find(tenant, verified.payload.sub) : undefined;
        if (!user) throw new OAuthError('invalid_grant', 'Malformed mfa_token', { statusCode: 401 });
        if (user.blocked === 1) throw new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 });
        const expiresAt = new Date((verified.payload.exp ?? 0) * 1000);
        return { kind: 'access_token', token: bearer, user, scopes: verified.scopes, clientId: verified.payload.azp ?? '', expiresAt };
      }
      let resolved: Awaited<ReturnType<typeof resolveTransaction>>;
      try {
        resolved = await resolveTransaction(tenant, bearer);
      } catch (err) {
        if (err instanceof OAuthError) throw new OAuthError(err.error, err.description, { statusCode: 401 });
        throw err;
      }
      const { transaction, user } = resolved;
      if (!user) throw new OAuthError('invalid_grant', 'Malformed mfa_token', { statusCode: 401 });
      // A user blocked after the password step neither lists, enrolls nor removes anything.
      if (user.blocked === 1) throw new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 });
      return { kind: 'mfa_token', transaction, user };
    },

    /** `GET /mfa/authenticators`: the phone as sms/voice authenticators (per the tenant's message types) and the recovery code. */
    async listAuthenticators(tenant: Tenant, caller: MfaCaller): Promise<MfaAuthenticatorView[]> {
      requireScope(caller, 'read:authenticators');
      const { messageTypes } = await guardian.settings(tenant);
      const rows = await store.authenticators.listByUser(tenant.id, caller.user.user_id);
      return rows.flatMap((row) => mfaAuthenticatorViews(row, messageTypes));
    },

    /**
     * `POST /mfa/associate` for an SMS or voice authenticator: a pending phone (plus a recovery code on the first
     * enrollment), a challenge, and the code sent. A send that fails removes what was written.
     */
    async associate(tenant: Tenant, caller: MfaCaller, input: AssociateInput, locale: TemplateLocale, context: RequestContext): Promise<AssociateResult> {
      requireScope(caller, 'enroll');
      const user = caller.user;
      if (user.blocked === 1) throw new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 });
      requireOobGrant(await clients.find(tenant, caller.kind === 'mfa_token' ? caller.transaction.client_id : caller.clientId));
      if (!input.authenticator_types.includes('oob')) {
        throw new OAuthError('invalid_request', 'authenticator_types: only "oob" (SMS and voice) authenticators can be enrolled');
      }
      const channels = input.oob_channels ?? [];
      const channel = channels[0];
      if (channels.length !== 1 || (channel !== 'sms' && channel !== 'voice')) {
        throw new OAuthError('invalid_request', 'oob_channels must be ["sms"] or ["voice"]');
      }
      const { factors, settings } = await guardian.factorsAndSettings(tenant);
      if (!factors.has('sms')) throw new OAuthError('invalid_request', 'The phone factor (sms) is not enabled for this tenant.');
      if (!input.phone_number) throw new OAuthError('invalid_request', 'Missing required parameter: phone_number');
      const phone = parsePhoneNumber(input.phone_number);
      if (!phone.ok) throw new OAuthError('invalid_request', phone.message);
      const channelProblem = phoneDelivery.channelProblem(settings, channel, phone.e164);
      if (channelProblem) throw new OAuthError('invalid_request', channelProblem);

      const existing = await store.authenticators.listByUser(tenant.id, user.user_id);
      const confirmed = existing.filter((a) => a.status === 'confirmed');
      if (caller.kind === 'mfa_token' && confirmed.length > 0) throw new OAuthError('access_denied', 'User is already enrolled.');
      if (confirmed.some((a) => a.type === 'phone')) throw new OAuthError('access_denied', 'User already has a phone authenticator: remove it before enrolling another.');

      const transaction = caller.kind === 'mfa_token' ? caller.transaction : await transactionForAccessToken(tenant, caller);
      if (caller.kind === 'mfa_token' && transaction.user_id !== user.user_id) throw new OAuthError('invalid_grant', 'Malformed mfa_token');
      const firstEnrollment = confirmed.length === 0;
      const withRecoveryCode = firstEnrollment && factors.has('recovery-code');
      const at = nowIso();
      const phoneRow: AuthenticatorRow = {
        id: newDeviceId(random),
        tenant_id: tenant.id,
        user_id: user.user_id,
        type: 'phone',
        status: 'pending',
        phone_number: phone.e164,
        preferred_method: channel,
        name: null,
        secret_hash: null,
        created_at: at,
        enrolled_at: null,
        last_auth_at: null,
      };
      const code = newCode(settings, phone.e164);
      const challenge = newChallenge(transaction, phoneRow.id, channel, 'enrollment', code, settings);
      let recoveryCode: string | undefined;
      await store.transaction(async (tx) => {
        // An enrollment started earlier and never confirmed is replaced by this one.
        for (const pending of existing.filter((a) => a.status === 'pending')) await tx.authenticators.delete(tenant.id, pending.id);
        await tx.authenticators.insert(phoneRow);
        if (withRecoveryCode) {
          recoveryCode = await authenticators.regenerateRecoveryCode(tenant, user.user_id, tx);
          const recovery = (await tx.authenticators.listByUser(tenant.id, user.user_id)).find((a) => a.type === 'recovery-code');
          if (recovery) await tx.authenticators.update(tenant.id, recovery.id, { status: 'pending', enrolled_at: null });
        }
        await tx.mfa.insertChallenge(challenge.row);
        await events.record(
          tenant.id,
          { type: 'gd_start_enroll', ...who(user), details: { authenticator: { id: phoneRow.id, type: channel, phone_number: maskPhoneNumber(phone.e164) } } },
          context,
          tx,
        );
      });

      await sendOrUndo({ tenant, settings, user: { id: user.user_id, name: userName(user) }, client: undefined, to: phone.e164, channel, purpose: 'enrollment', code, locale, authenticatorId: phoneRow.id, context }, async () => {
        // Nothing half-written: the pending enrollment (and its challenge, by cascade) goes.
        await store.transaction(async (tx) => {
          for (const row of (await tx.authenticators.listByUser(tenant.id, user.user_id)).filter((a) => a.status === 'pending')) {
            await tx.authenticators.delete(tenant.id, row.id);
          }
        });
      });
      return {
        authenticator_type: 'oob',
        binding_method: 'prompt',
        oob_channel: channel,
        oob_code: challenge.oobCode,
        ...(recoveryCode ? { recovery_codes: [recoveryCode] } : {}),
      };
    },

    /** `POST /mfa/challenge`: a new code to an enrolled phone, by SMS or voice. */
    async challenge(tenant: Tenant, client: ClientRow, input: ChallengeInput, locale: TemplateLocale, context: RequestContext) {
      requireOobGrant(client);
      if (!input.mfa_token) throw new OAuthError('invalid_request', 'Missing required parameter: mfa_token');
      if (!input.challenge_type) throw new OAuthError('invalid_request', 'Missing required parameter: challenge_type');
      const resolved = await resolveTransaction(tenant, input.mfa_token);
      const { transaction } = resolved;
      if (transaction.client_id !== client.client_id) throw new OAuthError('invalid_grant', 'mfa_token was not issued to this client');
      const user = requireUser(resolved.user);
      const types = input.challenge_type.split(/\s+/).filter(Boolean);

      const rows = await store.authenticators.listByUser(tenant.id, user.user_id);
      const phones = rows.filter((a) => a.type === 'phone' && a.status === 'confirmed');
      if (!rows.some((a) => a.status === 'confirmed')) throw new OAuthError('association_required', 'User is not enrolled. Enroll an authenticator with /mfa/associate.');
      if (!types.includes('oob') || phones.length === 0) {
        throw new OAuthError('unsupported_challenge_type', 'The user has no authenticator for the requested challenge type.');
      }
      if (input.oob_channel !== undefined && input.oob_channel !== 'sms' && input.oob_channel !== 'voice') {
        throw new OAuthError('invalid_request', 'oob_channel must be "sms" or "voice"');
      }

      let authenticator = phones[0]!;
      let channel = (input.oob_channel ?? authenticator.preferred_method ?? 'sms') as MessageChannel;
      if (input.authenticator_id !== undefined) {
        const parsed = parseAuthenticatorId(input.authenticator_id);
        const found = parsed && phones.find((a) => a.id === parsed.deviceId);
        if (!parsed || !found || parsed.kind === 'recovery-code') throw new OAuthError('invalid_request', 'authenticator_id does not name an enrolled phone authenticator of this user');
        authenticator = found;
        if (parsed.kind === 'sms' || parsed.kind === 'voice') {
          if (input.oob_channel !== undefined && input.oob_channel !== parsed.kind) throw new OAuthError('invalid_request', `oob_channel ${input.oob_channel} contradicts authenticator ${input.authenticator_id}`);
          channel = parsed.kind;
        } else {
          channel = (input.oob_channel ?? authenticator.preferred_method ?? 'sms') as MessageChannel;
        }
      }
      const { factors, settings } = await guardian.factorsAndSettings(tenant);
      if (!factors.has('sms')) throw new OAuthError('unsupported_challenge_type', 'The phone factor (sms) is not enabled for this tenant.');
      const phoneNumber = authenticator.phone_number ?? '';
      const channelProblem = phoneDelivery.channelProblem(settings, channel, phoneNumber);
      if (channelProblem) throw new OAuthError('unsupported_challenge_type', channelProblem);

      const code = newCode(settings, phoneNumber);
      const challenge = newChallenge(transaction, authenticator.id, channel, 'verification', code, settings);
      await store.transaction(async (tx) => {
        await tx.mfa.insertChallenge(challenge.row);
        await events.record(
          tenant.id,
          { type: 'gd_start_auth', ...who(user, client), details: { authenticator: { id: authenticator.id, type: channel, phone_number: maskPhoneNumber(phoneNumber) } } },
          context,
          tx,
        );
      });
      const message = { tenant, settings, user: { id: user.user_id, name: userName(user) }, client: { id: client.client_id, name: client.name }, to: phoneNumber, channel, purpose: 'verification' as const, code, locale, authenticatorId: authenticator.id, context };
      // On a refused send the code the user may already hold stays valid: only a code that was sent replaces it.
      await sendOrUndo(message, () => store.mfa.deleteChallenge(challenge.row.id));
      await store.mfa.supersedeChallenges(transaction.id, authenticator.id, nowIso(), challenge.row);
      return { challenge_type: 'oob' as const, oob_code: challenge.oobCode, binding_method: 'prompt' as const };
    },

    /**
     * `grant_type=http://auth0.com/oauth/grant-type/mfa-oob`: the code of an oob challenge (`binding_code`) for
     * the tokens the first factor asked for. Confirms a pending enrollment.
     */
    async exchangeOob(
      tenant: Tenant,
      client: ClientRow,
      input: { mfa_token?: string | undefined; oob_code?: string | undefined; binding_code?: string | undefined },
      context: RequestContext,
    ): Promise<TokenSet> {
      let user: UserWithConnection | undefined;
      try {
        const opened = await openExchange(tenant, client, GRANT_TYPES.mfaOob, input.mfa_token);
        user = opened.user;
        const { transaction } = opened;
        await throttleExchange(tenant, transaction);
        if (!input.oob_code) throw new OAuthError('invalid_request', 'Missing required parameter: oob_code', { statusCode: 400 });
        if (!input.binding_code) throw new OAuthError('invalid_request', 'Missing required parameter: binding_code', { statusCode: 400 });
        const challenge = await store.mfa.findChallengeByOobHash(tenant.id, hashToken(input.oob_code));
        if (!challenge || challenge.transaction_id !== transaction.id) throw new OAuthError('invalid_grant', 'Invalid oob_code.');
        if (challenge.consumed_at !== null) throw new OAuthError('invalid_grant', 'The oob_code has already been used.');
        if (isExpired(challenge.expires_at)) throw new OAuthError('expired_token', 'oob_code is expired');

        await takeAttempt(tenant, user, client, 'gd_otp_rate_limit_exceed', context);
        const authenticatorDetails = { id: challenge.authenticator_id, type: challenge.channel };
        if (!codeMatches(otpKey, challenge.id, input.binding_code.trim(), challenge.code_hash)) {
          await events.record(tenant.id, { type: 'gd_auth_failed', description: 'Wrong phone verification code', ...who(user, client), details: { authenticator: authenticatorDetails } }, context);
          throw new OAuthError('invalid_grant', 'Invalid binding_code.');
        }
        // A right code does not count against the wrong-code budget.
        await limiter.refund(PHONE_LIMITS.wrongCodes, `${tenant.id}:${user.user_id}`);

        const verifiedUser = user;
        const issued = await prepareTokens(tenant, client, user, transaction, 'mfa-oob', context);
        await store.transaction(async (tx) => {
          if (!(await tx.mfa.consumeChallenge(challenge.id, nowIso()))) throw new OAuthError('invalid_grant', 'The oob_code has already been used.');
          const at = nowIso();
          const recorded: LogEntryInput[] = [];
          if (challenge.purpose === 'enrollment') {
            if (!(await tx.authenticators.confirm(tenant.id, challenge.authenticator_id, at))) throw new OAuthError('invalid_grant', 'Invalid oob_code.');
            const recovery = (await tx.authenticators.listByUser(tenant.id, verifiedUser.user_id)).find((a) => a.type === 'recovery-code' && a.status === 'pending');
            if (recovery) await tx.authenticators.confirm(tenant.id, recovery.id, at);
            recorded.push({ type: 'gd_enrollment_complete', ...who(verifiedUser, client), details: { authenticator: authenticatorDetails } });
          } else {
            await tx.authenticators.update(tenant.id, challenge.authenticator_id, { last_auth_at: at });
          }
          await finishTransaction(tx, transaction);
          recorded.push({ type: 'gd_auth_succeed', ...who(verifiedUser, client), details: { authenticator: authenticatorDetails } });
          await issued.commit(tx, recorded);
        });
        return issued.tokens;
      } catch (err) {
        return refuseExchange(tenant, 'feoobft', client, err, context, user);
      }
    },

    /**
     * `grant_type=http://auth0.com/oauth/grant-type/mfa-recovery-code`: the recovery code instead of the phone.
     * The code is used up; the response carries the next one (`recovery_code`), as in Auth0.
     */
    async exchangeRecoveryCode(
      tenant: Tenant,
      client: ClientRow,
      input: { mfa_token?: string | undefined; recovery_code?: string | undefined },
      context: RequestContext,
    ): Promise<TokenSet> {
      let user: UserWithConnection | undefined;
      try {
        const opened = await openExchange(tenant, client, GRANT_TYPES.mfaRecoveryCode, input.mfa_token);
        user = opened.user;
        const { transaction } = opened;
        await throttleExchange(tenant, transaction);
        if (!input.recovery_code) throw new OAuthError('invalid_request', 'Missing required parameter: recovery_code', { statusCode: 400 });
        // Turning the factor off takes the codes already issued out of use (they come back if it is turned on again).
        if (!(await guardian.enabledFactors(tenant)).has('recovery-code')) throw new OAuthError('invalid_grant', 'Recovery codes are not enabled for this tenant.');
        const recovery = (await store.authenticators.listByUser(tenant.id, user.user_id)).find((a) => a.type === 'recovery-code' && a.status === 'confirmed');
        if (!recovery || recovery.secret_hash === null) throw new OAuthError('invalid_grant', 'The user has no recovery code.');

        await takeAttempt(tenant, user, client, 'gd_recovery_rate_limit_exceed', context);
        const code = normaliseRecoveryCode(input.recovery_code);
        if (!authenticators.recoveryCodeMatches(recovery, code)) {
          await events.record(tenant.id, { type: 'gd_recovery_failed', description: 'Wrong recovery code', ...who(user, client) }, context);
          throw new OAuthError('invalid_grant', 'Invalid recovery_code.');
        }
        await limiter.refund(PHONE_LIMITS.wrongCodes, `${tenant.id}:${user.user_id}`);

        const verifiedUser = user;
        const issued = await prepareTokens(tenant, client, user, transaction, 'mfa-recovery-code', context);
        const next = await store.transaction(async (tx) => {
          await finishTransaction(tx, transaction);
          // Replaced in the same transaction that uses it: a recovery code works once.
          const replacement = await authenticators.regenerateRecoveryCode(tenant, verifiedUser.user_id, tx);
          await tx.authenticators.update(tenant.id, recovery.id, { last_auth_at: nowIso() });
          await issued.commit(tx, [{ type: 'gd_recovery_succeed', ...who(verifiedUser, client), details: { authenticator: { id: recovery.id, type: 'recovery-code' } } }]);
          return replacement;
        });
        return { ...issued.tokens, recovery_code: next };
      } catch (err) {
        return refuseExchange(tenant, 'fercft', client, err, context, user);
      }
    },

    /** `DELETE /mfa/authenticators/{id}`: needs an MFA API access token with `remove:authenticators`. */
    async deleteAuthenticator(tenant: Tenant, caller: MfaCaller, authenticatorId: string, context: RequestContext): Promise<void> {
      if (caller.kind !== 'access_token') {
        throw new OAuthError('access_denied', 'Removing an authenticator needs an access token for the MFA API with the remove:authenticators scope, not an mfa_token.');
      }
      requireScope(caller, 'remove:authenticators');
      const row = await authenticators.find(tenant, authenticatorId);
      if (!row || row.user_id !== caller.user.user_id) throw new OAuthError('invalid_request', 'Authenticator not found', { statusCode: 404 });
      await authenticators.remove(tenant, row, context);
    },
  };
}

export type Mfa = ReturnType<typeof createMfa>;
