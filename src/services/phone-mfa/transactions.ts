import { hashToken } from '../../crypto/secret-box.js';
import { newId, randomString } from '../../domain/ids.js';
import { PHONE_LIMITS } from '../../limits/index.js';
import { isUniqueViolation } from '../../store/database.js';
import type { MfaTransactionRow } from '../../store/repositories/mfa.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
import type { Repositories } from '../../store/store.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { EventLog } from '../events.js';
import type { Tenant } from '../tenants.js';
import { MFA_API_TOKEN_SECONDS, mfaAudience } from '../user-tokens.js';
import { ok, refused, RefusedInTransaction, type Outcome } from './refusals.js';
import { who, type ClientRef } from './who.js';

/**
 * The login transaction (an `mfa_transactions` row): what the first factor asked for, held until the second factor
 * is proven. Its token is given to the surface once and only its hash is kept.
 */
export type LoginTransaction = MfaTransactionRow;

/**
 * How the first factor was proven, which decides who may use the transaction: `password` (the password grant's
 * mfa_token) and `mfa_access_token` (an MFA API access token enrolling another authenticator) belong to the MFA API,
 * `universal_login` to the login pages. Neither surface can use the other's transactions.
 */
export const FIRST_FACTORS = { password: 'password', mfaAccessToken: 'mfa_access_token', universalLogin: 'universal_login' } as const;
export type FirstFactor = (typeof FIRST_FACTORS)[keyof typeof FIRST_FACTORS];
export type TransactionSurface = 'mfa_api' | 'universal_login';

const belongsTo = (transaction: LoginTransaction, surface: TransactionSurface) =>
  surface === 'universal_login' ? transaction.first_factor === FIRST_FACTORS.universalLogin : transaction.first_factor !== FIRST_FACTORS.universalLogin;

/** The blocked-user check of every step: a user blocked after the first factor goes no further. */
export function userAllowed(user: UserWithConnection | undefined): Outcome<UserWithConnection> {
  if (!user) return refused({ code: 'user_gone' });
  if (user.blocked === 1) return refused({ code: 'user_blocked' });
  return ok(user);
}

export function createTransactions({ store, clock, random, limiter }: ServiceDeps, { events }: { events: EventLog }) {
  const now = () => clock.now();
  const nowIso = () => now().toISOString();

  return {
    /**
     * Starts a transaction after a proven first factor and records `mfar`; returns its token (the mfa_token of the
     * password grant, or the handle a login page keeps). It lives as long as an MFA API token (10 minutes).
     */
    async start(
      tenant: Tenant,
      client: ClientRef,
      user: UserWithConnection,
      request: { scope: string[]; audience: string | null },
      firstFactor: typeof FIRST_FACTORS.password | typeof FIRST_FACTORS.universalLogin,
      context: RequestContext,
    ): Promise<string> {
      const token = newId.opaqueToken(random);
      const at = now();
      await store.transaction(async (tx) => {
        await tx.mfa.insertTransaction({
          id: `mfa_${randomString(random, 24)}`,
          token_hash: hashToken(token),
          first_factor: firstFactor,
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

    /**
     * The transaction of `token` and its user, read in one statement, checked in this order: known to this surface,
     * not expired, not used, of `clientId` (when given), user still there and not blocked.
     */
    async open(
      tenant: Tenant,
      token: string,
      { surface, clientId }: { surface: TransactionSurface; clientId?: string },
    ): Promise<Outcome<{ transaction: LoginTransaction; user: UserWithConnection }>> {
      const found = await store.mfa.findTransactionWithUser(tenant.id, hashToken(token));
      if (!found || !belongsTo(found.transaction, surface)) return refused({ code: 'transaction_not_found' });
      const { transaction } = found;
      if (new Date(transaction.expires_at) <= now()) return refused({ code: 'transaction_expired' });
      if (transaction.completed_at !== null) return refused({ code: 'transaction_used' });
      if (clientId !== undefined && transaction.client_id !== clientId) return refused({ code: 'wrong_transaction' });
      const user = userAllowed(found.user);
      return user.ok ? ok({ transaction, user: user.value }) : user;
    },

    /**
     * The transaction of `token` on `surface` whatever its state: a login page that has proven the factor (which
     * finished the transaction) looks it up once more to issue its single login.
     */
    async find(tenant: Tenant, token: string, surface: TransactionSurface): Promise<LoginTransaction | undefined> {
      const found = await store.mfa.findTransactionWithUser(tenant.id, hashToken(token));
      return found && belongsTo(found.transaction, surface) ? found.transaction : undefined;
    },

    /**
     * The MFA API's transaction for an access token enrolling another authenticator (keyed by the token's hash), so
     * its challenges are bound like any other; it lives no longer than the token, and at most as long as an mfa_token.
     */
    async forAccessToken(tenant: Tenant, token: { token: string; clientId: string; userId: string; scopes: string[]; expiresAt: Date }): Promise<LoginTransaction> {
      const expiresAt = new Date(Math.min(token.expiresAt.getTime(), now().getTime() + MFA_API_TOKEN_SECONDS * 1000));
      const tokenHash = hashToken(token.token);
      const existing = await store.mfa.findTransactionByTokenHash(tenant.id, tokenHash);
      if (existing) return existing;
      const row: LoginTransaction = {
        id: `mfa_${randomString(random, 24)}`,
        token_hash: tokenHash,
        first_factor: FIRST_FACTORS.mfaAccessToken,
        tenant_id: tenant.id,
        client_id: token.clientId,
        user_id: token.userId,
        scope: token.scopes.join(' '),
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
    },

    /** Auth0's "MFA OOB token exchange" limit: 12 verifications per minute per transaction. */
    async limitExchanges(tenant: Tenant, transaction: LoginTransaction): Promise<Outcome<void>> {
      const exchange = await limiter.take(PHONE_LIMITS.oobExchange, `${tenant.id}:${transaction.id}`);
      return exchange.allowed ? ok(undefined) : refused({ code: 'too_many_exchanges', retryAfterMs: exchange.retryAfterMs });
    },

    /**
     * Completes the transaction exactly once, inside the database transaction that spends the second factor (of two
     * concurrent verifications only one finishes it). An MFA API access-token transaction stays usable.
     */
    async finish(tx: Pick<Repositories, 'mfa'>, transaction: LoginTransaction): Promise<void> {
      if (transaction.first_factor === FIRST_FACTORS.mfaAccessToken) return;
      if (!(await tx.mfa.completeTransaction(transaction.id, nowIso()))) throw new RefusedInTransaction({ code: 'transaction_used' });
    },
  };
}

export type Transactions = ReturnType<typeof createTransactions>;
