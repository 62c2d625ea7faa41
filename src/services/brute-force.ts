import {
  BLOCK_MS,
  BruteForceSettingsError,
  FAILURE_REFILL_MS,
  applyPatch,
  blockIp,
  compileAllowlist,
  failureKey,
  identifiersOf,
  isAllowlisted,
  normaliseIdentifier,
  normaliseIp,
  parseStoredSettings,
  type BruteForcePatch,
  type BruteForceSettings,
} from '../domain/brute-force.js';
import { newId } from '../domain/ids.js';
import { NotFoundError, ValidationError } from '../errors/errors.js';
import type { SuspiciousIpSettings } from '../domain/suspicious-ip.js';
import type { BucketRule } from '../limits/index.js';
import type { UserBlockRow } from '../store/repositories/user-blocks.js';
import type { ConfigCache } from './config-cache.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { EventLog } from './events.js';
import { DEFAULT_CONNECTION, type Tenant } from './tenants.js';

/**
 * Auth0's brute-force protection for password logins. A login surface asks `begin` before it checks a password:
 * a blocked identifier is refused there, so no password check is spent on it. It then reports the outcome:
 * `failed` counts one failure (wrong password and unknown user alike) in the injected limiter, and the failure that
 * empties the counter writes the block (30 days) and `limit_wc`; `succeeded` fills the counter again.
 *
 * Counters live in the limiter (Redis with several nodes), blocks in the database: both hold across nodes and
 * restarts. An allowlisted IP is neither counted nor refused; `enabled: false` turns counting and refusing off.
 */

/** No e-mail or SMS channel exists yet: the `user_notification` shield is recorded, never faked. */
const NOTIFICATION_NOT_SENT = 'not sent: Guardline has no e-mail or SMS channel for notifications';

/** What a login surface does with one password attempt. */
export interface LoginAttempt {
  /** Refused before any password check: the identifier is blocked (from this IP, or from every IP). */
  readonly blocked: boolean;
  /** Counts a failed attempt; `blocked` when this failure reached the threshold and the identifier is now blocked. */
  failed(): Promise<{ blocked: boolean }>;
  /** The password was right: the run of failures is over. */
  succeeded(): Promise<void>;
}

/** Who asked, for the events: the application the login is for. */
export interface LoginActor {
  clientId: string;
  clientName: string;
  /** The identifier as typed (the event's `user_name`, like `fp` and `fu`). */
  userName: string;
}

/** Auth0's user block: `ip` is left out for a block that holds from every IP (mode count_per_identifier). */
export interface UserBlockView {
  identifier: string;
  ip?: string;
  connection: string;
}

const failureRule = (settings: BruteForceSettings): BucketRule => ({ name: 'login_failures', burst: settings.max_attempts, refillEveryMs: FAILURE_REFILL_MS });

const toView = (row: UserBlockRow): UserBlockView => ({ identifier: row.identifier, ...(row.ip ? { ip: row.ip } : {}), connection: row.connection });

/**
 * Auth0's suspicious IP throttling, stage `pre-login`: failed logins from one address across every account. Its own
 * bucket per tenant and IP, beside the per-identifier counters above; an empty bucket refuses every login attempt
 * from the address (429 `too_many_attempts`, a `limit_mu` event) until it refills. A success does not refill it (a
 * guesser with one account of its own must not reset the count).
 */
const preLoginRule = (settings: SuspiciousIpSettings): BucketRule => ({ name: 'suspicious_ip_prelogin', burst: settings.stage['pre-login'].max_attempts, refillEveryMs: settings.stage['pre-login'].rate });

export function createBruteForce(
  { store, clock, random, limiter }: ServiceDeps,
  { events, cache, suspiciousIp }: { events: EventLog; cache: ConfigCache; suspiciousIp: (tenant: Tenant) => Promise<SuspiciousIpSettings> },
) {
  /** Read by every password login: from the tenant's versioned configuration cache (config-cache.ts). */
  function settings(tenant: Tenant): Promise<BruteForceSettings> {
    return cache.read(tenant, 'attack-protection:brute-force', async () => parseStoredSettings(await store.attackProtection.findBruteForce(tenant.id)));
  }

  /** Blocks count only while protection is on and blocks; `consider` asks for Auth0's `consider_brute_force_enablement`. */
  async function blocksShown(tenant: Tenant, identifiers: string[], consider: boolean): Promise<UserBlockView[]> {
    if (consider) {
      const current = await settings(tenant);
      if (!current.enabled || !current.shields.includes('block')) return [];
    }
    return (await store.userBlocks.listActive(tenant.id, identifiers, clock.now().toISOString())).map(toView);
  }

  async function userIdentifiers(tenant: Tenant, userId: string): Promise<string[]> {
    const user = await store.users.find(tenant.id, userId);
    if (!user) throw new NotFoundError('user', 'The user does not exist.');
    return identifiersOf(user);
  }

  /** Removing a block also fills the identifier's counter of every-IP mode (the per-IP counters were filled when the block was written). */
  async function unblock(tenant: Tenant, identifiers: string[]): Promise<void> {
    await store.userBlocks.deleteFor(tenant.id, identifiers);
    const rule = failureRule(await settings(tenant));
    for (const identifier of identifiers) await limiter.reset(rule, failureKey(tenant.id, 'count_per_identifier', identifier, ''));
  }

  return {
    settings,

    /** Applies a PATCH (a field left out keeps its value); a bad field is a 400 naming it, and nothing is written. */
    async update(tenant: Tenant, patch: BruteForcePatch): Promise<BruteForceSettings> {
      let next: BruteForceSettings;
      try {
        next = applyPatch(await settings(tenant), patch);
      } catch (err) {
        if (err instanceof BruteForceSettingsError) throw new ValidationError(err.message);
        throw err;
      }
      await store.attackProtection.saveBruteForce(tenant.id, JSON.stringify(next), clock.now().toISOString());
      return next;
    },

    async begin(tenant: Tenant, identifierAsTyped: string, context: RequestContext, actor: LoginActor): Promise<LoginAttempt> {
      const [current, throttling] = await Promise.all([settings(tenant), suspiciousIp(tenant)]);
      const identifier = normaliseIdentifier(identifierAsTyped);
      // An unknown IP (a caller without a socket, e.g. a script calling the service) must never mean "every IP".
      const ip = normaliseIp(context.ip) || 'unknown';
      const exempt = !current.enabled || isAllowlisted(compileAllowlist(current.allowlist), ip);
      const rule = failureRule(current);
      const key = failureKey(tenant.id, current.mode, identifier, ip);
      const base = { clientId: actor.clientId, clientName: actor.clientName, userName: actor.userName, connection: DEFAULT_CONNECTION };
      const facts = { identifier, ip, mode: current.mode, max_attempts: current.max_attempts };
      const blockFacts = (row: Pick<UserBlockRow, 'ip' | 'created_at' | 'expires_at'>) => ({ ip: row.ip === '' ? 'every IP' : row.ip, created_at: row.created_at, expires_at: row.expires_at });

      // Suspicious IP throttling: an address whose failed logins across accounts emptied its bucket is refused first.
      const throttled = throttling.enabled && !isAllowlisted(compileAllowlist(throttling.allowlist), ip);
      const ipRule = preLoginRule(throttling);
      const ipKey = `${tenant.id}:${ip}`;
      if (throttled && throttling.shields.includes('block') && !(await limiter.peek(ipRule, ipKey)).allowed) {
        await events.record(
          tenant.id,
          { type: 'limit_mu', description: 'Login refused: too many failed logins from this IP address', ...base, details: { ip, stage: 'pre-login', max_attempts: throttling.stage['pre-login'].max_attempts, ...(throttling.shields.includes('admin_notification') ? { admin_notification: NOTIFICATION_NOT_SENT } : {}) } },
          context,
        );
        return { blocked: true, async failed() { return { blocked: true }; }, async succeeded() {} };
      }
      /** Counts a failure against the address; the failure that empties the bucket writes the `limit_mu` event. */
      const countIpFailure = async (): Promise<boolean> => {
        if (!throttled) return false;
        const taken = await limiter.take(ipRule, ipKey);
        if (taken.allowed && taken.remaining > 0) return false;
        if (taken.allowed) {
          await events.record(
            tenant.id,
            { type: 'limit_mu', description: `Blocked IP address: ${throttling.stage['pre-login'].max_attempts} failed logins across accounts`, ...base, details: { ip, stage: 'pre-login', blocked: throttling.shields.includes('block'), ...(throttling.shields.includes('admin_notification') ? { admin_notification: NOTIFICATION_NOT_SENT } : {}) } },
            context,
          );
        }
        return throttling.shields.includes('block');
      };

      const existing = exempt ? undefined : await store.userBlocks.findActive(tenant.id, identifier, ip, clock.now().toISOString());
      if (existing) {
        await events.record(
          tenant.id,
          { type: 'limit_wc', description: 'Login refused: the account is blocked after too many failed attempts', ...base, details: { ...facts, block: blockFacts(existing) } },
          context,
        );
      }

      return {
        blocked: existing !== undefined,

        async failed() {
          const ipBlocked = await countIpFailure();
          if (exempt) return { blocked: ipBlocked };
          const taken = await limiter.take(rule, key);
          if (taken.allowed && taken.remaining > 0) return { blocked: ipBlocked };
          const notification = current.shields.includes('user_notification') ? { user_notification: NOTIFICATION_NOT_SENT } : {};

          if (!current.shields.includes('block')) {
            // Detection without a block: the run is recorded and counting starts again, so each run is recorded once.
            await limiter.reset(rule, key);
            await events.record(
              tenant.id,
              { type: 'limit_wc', description: `${current.max_attempts} failed logins in a row (shields without "block": nothing blocked)`, ...base, details: { ...facts, shields: current.shields, blocked: false, ...notification } },
              context,
            );
            return { blocked: ipBlocked };
          }

          const now = clock.now();
          const row: UserBlockRow = {
            id: newId.userBlock(random),
            tenant_id: tenant.id,
            identifier,
            ip: blockIp(current.mode, ip),
            connection: DEFAULT_CONNECTION,
            created_at: now.toISOString(),
            expires_at: new Date(now.getTime() + BLOCK_MS).toISOString(),
          };
          // The block and its event together; then the counter starts full, since the block now holds the state
          // (a crash in between leaves a block and an empty counter, never a full counter without the block).
          await store.transaction(async (tx) => {
            const written = await tx.userBlocks.insertUnlessActive(row, now.toISOString());
            const description = written
              ? `Blocked account: ${current.max_attempts} failed logins in a row`
              : 'Login refused: the account is blocked after too many failed attempts';
            await events.record(tenant.id, { type: 'limit_wc', description, ...base, details: { ...facts, shields: current.shields, blocked: true, block: blockFacts(row), ...notification } }, context, tx);
          });
          await limiter.reset(rule, key);
          return { blocked: true };
        },

        async succeeded() {
          if (!exempt) await limiter.reset(rule, key);
        },
      };
    },

    listBlocks: (tenant: Tenant, identifier: string, options: { considerEnablement?: boolean } = {}) =>
      blocksShown(tenant, [normaliseIdentifier(identifier)], options.considerEnablement === true),

    unblock: (tenant: Tenant, identifier: string) => unblock(tenant, [normaliseIdentifier(identifier)]),

    /** The blocks of a user's email and username; an unknown user is `NotFoundError`. */
    async listBlocksOfUser(tenant: Tenant, userId: string, options: { considerEnablement?: boolean } = {}): Promise<UserBlockView[]> {
      return blocksShown(tenant, await userIdentifiers(tenant, userId), options.considerEnablement === true);
    },

    async unblockUser(tenant: Tenant, userId: string): Promise<void> {
      await unblock(tenant, await userIdentifiers(tenant, userId));
    },
  };
}

export type BruteForce = ReturnType<typeof createBruteForce>;
