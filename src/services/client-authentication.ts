import type { ClientSecrets } from '../crypto/client-secret.js';
import { DependencyUnavailableError } from '../errors/errors.js';
import type { LogType } from '../domain/log-types.js';
import { CLIENT_AUTH_LIMITS, type TakeResult } from '../limits/index.js';
import type { ClientRow } from '../store/repositories/clients.js';
import type { Clients } from './clients.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { EventLog } from './events.js';
import { recordOutage } from './outage.js';
import type { Tenant } from './tenants.js';

/** Why a client was not authenticated. The wire answer is the same `invalid_client` for the first four. */
export type ClientAuthFailure = 'unknown_client' | 'wrong_secret' | 'missing_secret' | 'unexpected_secret';

export type ClientAuthResult =
  | { outcome: 'authenticated'; client: ClientRow }
  | { outcome: 'refused'; reason: ClientAuthFailure }
  /** A failure bucket (this IP or this client id) is empty: refused without looking at the secret. */
  | { outcome: 'limited'; retryAfterMs: number };

export interface PresentedCredentials {
  clientId: string;
  clientSecret: string | undefined;
}

/** What the tenant's log says about each refusal (the caller only ever sees `invalid_client`). */
const DESCRIPTIONS: Record<ClientAuthFailure | 'limited', string> = {
  unknown_client: 'Unknown client',
  wrong_secret: 'Wrong client secret',
  missing_secret: 'Missing client secret (the client is confidential)',
  unexpected_secret: 'A client secret was sent for a public client',
  limited: 'Too many failed client authentications',
};

/**
 * Client authentication, the first step of `/oauth/token` and `/mfa/challenge`: the failure buckets, the secret
 * check, the legacy-hash upgrade and one log entry per refusal.
 *
 * Order, and why:
 * 1. Look the client up, then peek at the IP's and the client id's failure buckets (public clients: the IP's
 *    only). If either is empty: 429, without checking the secret.
 * 2. Check the secret. Every path runs exactly one keyed hash: against the row's hash, or against a dummy when there
 *    is nothing to compare with (unknown id, missing secret), so a refusal costs the same whether the id exists or
 *    not. The exception is a legacy argon2id row until its first successful use.
 * 3. A failure takes one token from each bucket (atomically); if either is empty by now, because parallel failures
 *    got there first, the answer is 429 instead of 401 and the other bucket gets its token back, so a refusal by
 *    one bucket never spends the other.
 *    A success peeks again, after its check, and is refused (429) if either bucket is empty by now.
 *
 * Why the second peek: every guess meets the limiter only after its check, so the guesses of a parallel burst
 * reach it in some order, and once the failures before them have emptied a bucket, the rest get 429 whether they
 * were right or wrong. A burst of any size thus learns the verdict of at most as many guesses as the bucket holds.
 * Why not take a token up front and refund it on success (exact too): a busy application's parallel successes
 * would hold tokens while in flight and see 429 without a single failure. Here successes never take anything.
 */
export function createClientAuthentication(
  { limiter, clock }: Pick<ServiceDeps, 'limiter' | 'clock'>,
  { clients, events, secrets }: { clients: Clients; events: EventLog; secrets: ClientSecrets },
) {
  const ipKey = (tenant: Tenant, context: RequestContext) => `${tenant.id}:${context.ip ?? 'unknown'}`;
  const clientKey = (tenant: Tenant, clientId: string) => `${tenant.id}:${clientId}`;

  /** The secret check proper: one keyed hash on every path (see above). */
  async function check(
    row: ClientRow | undefined,
    presented: PresentedCredentials,
  ): Promise<{ ok: true; client: ClientRow; legacy: boolean } | { ok: false; reason: ClientAuthFailure }> {
    const { clientId, clientSecret } = presented;
    if (!row) {
      secrets.burn(clientId, clientSecret ?? '');
      return { ok: false, reason: 'unknown_client' };
    }
    if (row.client_secret_hash === null) {
      if (clientSecret === undefined) return { ok: true, client: row, legacy: false };
      secrets.burn(clientId, clientSecret);
      return { ok: false, reason: 'unexpected_secret' };
    }
    if (clientSecret === undefined) {
      secrets.burn(clientId, '');
      return { ok: false, reason: 'missing_secret' };
    }
    const verdict = await secrets.verify(row.client_id, row.client_secret_hash, clientSecret);
    if (verdict === 'mismatch') return { ok: false, reason: 'wrong_secret' };
    return { ok: true, client: row, legacy: verdict === 'legacy_match' };
  }

  async function record(tenant: Tenant, logType: LogType, presentedId: string, row: ClientRow | undefined, reason: ClientAuthFailure | 'limited', context: RequestContext, details: Record<string, unknown> = {}) {
    await events.record(tenant.id, { type: logType, description: DESCRIPTIONS[reason], clientId: presentedId, clientName: row?.name ?? null, details: { reason, ...details } }, context);
  }

  /** The order of checks described above; `authenticate` adds the outage handling. */
  async function authenticateWithLimits(tenant: Tenant, presented: PresentedCredentials, failureLogType: LogType, context: RequestContext): Promise<ClientAuthResult> {
    const row = await clients.find(tenant, presented.clientId);
    const perIp = { rule: CLIENT_AUTH_LIMITS.perIp, key: ipKey(tenant, context), limit: 'ip' } as const;
    const perClient = { rule: CLIENT_AUTH_LIMITS.perClient, key: clientKey(tenant, presented.clientId), limit: 'client_id' } as const;
    // A public client has no secret to guess, and its id is in every browser that uses it: a bucket of its own
    // would only let anyone lock it out. Failures against it (a secret sent anyway) count for the address only.
    const buckets = row?.client_secret_hash === null ? [perIp] : [perIp, perClient];
    const peek = () => limiter.peekAll(buckets);

    /** 429: one entry naming the empty bucket(s), and when one token is back. */
    const limited = async (states: TakeResult[], row: ClientRow | undefined): Promise<ClientAuthResult> => {
      const retryAfterMs = Math.max(...states.filter((t) => !t.allowed).map((t) => t.retryAfterMs));
      await record(tenant, failureLogType, presented.clientId, row, 'limited', context, {
        limits: buckets.filter((_, i) => !states[i]!.allowed).map((b) => b.limit),
        reset_time: new Date(clock.now().getTime() + retryAfterMs).toISOString(),
      });
      return { outcome: 'limited', retryAfterMs };
    };

    const before = await peek();
    if (before.some((t) => !t.allowed)) return limited(before, row);

    const result = await check(row, presented);
    if (!result.ok) {
      const taken = await Promise.all(buckets.map((b) => limiter.take(b.rule, b.key)));
      if (taken.some((t) => !t.allowed)) {
        await Promise.all(buckets.filter((_, i) => taken[i]!.allowed).map((b) => limiter.refund(b.rule, b.key)));
        return limited(taken, row);
      }
      await record(tenant, failureLogType, presented.clientId, row, result.reason, context);
      return { outcome: 'refused', reason: result.reason };
    }

    const after = await peek();
    if (after.some((t) => !t.allowed)) return limited(after, row);
    if (result.legacy && presented.clientSecret !== undefined) await clients.upgradeSecretHash(result.client, presented.clientSecret);
    return { outcome: 'authenticated', client: result.client };
  }

  return {
    /**
     * Authenticates the client of a request. `failureLogType` is the Auth0 type the endpoint logs its failed
     * exchanges with (`feccft` for client_credentials, …); every refusal writes one entry of it, never the secret.
     */
    async authenticate(tenant: Tenant, presented: PresentedCredentials, failureLogType: LogType, context: RequestContext): Promise<ClientAuthResult> {
      try {
        return await authenticateWithLimits(tenant, presented, failureLogType, context);
      } catch (err) {
        // Fail closed: without its failure buckets no secret is checked; the refusal is logged with its cause.
        if (err instanceof DependencyUnavailableError) {
          return recordOutage(events, tenant.id, err, { type: failureLogType, clientId: presented.clientId, details: { reason: 'limiter_unavailable' } }, context);
        }
        throw err;
      }
    },
  };
}


export type ClientAuthentication = ReturnType<typeof createClientAuthentication>;
