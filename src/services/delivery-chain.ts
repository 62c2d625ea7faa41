import { Value } from '@sinclair/typebox/value';
import type { CircuitBreaker } from '../delivery/circuit-breaker.js';
import type { SlotPool } from '../delivery/concurrency.js';
import type { ProviderDefinition, ProviderError, ProviderMessage, SendOutcome } from '../delivery/kit.js';
import type { ProviderRegistry } from '../delivery/registry.js';

/**
 * One send through an ordered chain of providers within one time budget: a `transient` outcome moves on to the next
 * provider while budget is left; `permanent` and `misconfigured` stop (another vendor would refuse the same number,
 * and bad credentials need the operator). A configuration whose circuit is open, or that already has its maximum of
 * sends in flight on this node, is skipped. A provider call that is not the last of the chain may use half of the
 * budget left (so a dead first provider leaves the next one time); the last may use all of it. Each call is aborted
 * at its share, and the chain never waits longer than that even for a provider that ignores its abort signal.
 */

export interface ChainHop {
  definition: ProviderDefinition;
  /** Opened configuration (secrets in clear). */
  config: Record<string, unknown>;
  /** The stored configuration; undefined for the built-in provider. */
  providerConfigId: string | undefined;
  /**
   * The concurrency slot this hop counts against when it has no stored configuration (default
   * `builtin:<provider id>`): a tenant's own action must not take another tenant's slots.
   */
  slotKey?: string;
}

export type AttemptClass = SendOutcome['kind'] | 'skipped';

export interface HopAttempt {
  hop: ChainHop;
  outcome: { kind: 'delivered-to-provider'; messageId: string; status?: string } | { kind: Exclude<AttemptClass, 'delivered-to-provider'>; error: ProviderError };
  startedAt: Date;
  elapsedMs: number;
}

export interface ChainDeps {
  registry: ProviderRegistry;
  fetch: typeof fetch;
  breaker: CircuitBreaker;
  slots: SlotPool;
  budgetMs: number;
  now: () => Date;
  /** The receipt URL for a hop whose provider posts receipts. */
  callbackUrl(hop: ChainHop): string | undefined;
}

/** A monotonic clock for the budget: wall-clock time may jump, elapsed time may not. */
const monotonicMs = () => performance.now();

function abortedOutcome(signal: AbortSignal): Promise<SendOutcome> {
  return new Promise((resolve) => {
    const done = () => resolve({ kind: 'transient', error: { errorCode: 'timeout', message: 'The provider did not answer within the delivery time budget.' } });
    if (signal.aborted) return done();
    signal.addEventListener('abort', done, { once: true });
  });
}

async function callProvider(hop: ChainHop, message: ProviderMessage, deps: ChainDeps, signal: AbortSignal, release: () => void): Promise<SendOutcome> {
  let sending: Promise<SendOutcome>;
  try {
    const instance = hop.definition.create(hop.config, { baseUrl: deps.registry.baseUrl(hop.definition), fetch: deps.fetch });
    sending = instance.send(message, { signal });
  } catch (err) {
    release();
    return { kind: 'misconfigured', error: { errorCode: 'provider_setup', message: `The provider could not be set up: ${(err as Error).message}` } };
  }
  // The slot stays taken until the provider's own request settles, so a hanging provider holds only its own slots.
  const settled = sending.then(
    (outcome) => outcome,
    (err: unknown): SendOutcome =>
      signal.aborted
        ? { kind: 'transient', error: { errorCode: 'timeout', message: 'The provider did not answer within the delivery time budget.' } }
        : { kind: 'transient', error: { errorCode: 'provider_exception', message: `The provider failed: ${(err as Error)?.message ?? String(err)}` } },
  );
  void settled.finally(release);
  return Promise.race([settled, abortedOutcome(signal)]);
}

export async function runChain(hops: readonly ChainHop[], message: Omit<ProviderMessage, 'statusCallbackUrl'>, deps: ChainDeps): Promise<HopAttempt[]> {
  const attempts: HopAttempt[] = [];
  const deadline = monotonicMs() + deps.budgetMs;
  for (const hop of hops) {
    const startedAt = deps.now();
    const began = monotonicMs();
    const left = deadline - began;
    const push = (outcome: HopAttempt['outcome']) => attempts.push({ hop, outcome, startedAt, elapsedMs: Math.round(monotonicMs() - began) });
    if (left <= 0) break;

    if (!Value.Check(hop.definition.configSchema, hop.config)) {
      push({ kind: 'misconfigured', error: { errorCode: 'invalid_configuration', message: `The ${hop.definition.id} configuration is incomplete or invalid: fix it in the Management API.` } });
      break;
    }
    const key = hop.providerConfigId;
    const circuit = key ? await deps.breaker.state(key) : { open: false, full: true };
    if (circuit.open) {
      push({ kind: 'skipped', error: { errorCode: 'circuit_open', message: 'Skipped: this provider failed repeatedly and is resting.' } });
      continue;
    }
    const release = deps.slots.tryAcquire(key ?? hop.slotKey ?? `builtin:${hop.definition.id}`);
    if (!release) {
      push({ kind: 'skipped', error: { errorCode: 'busy', message: 'Skipped: this provider already has its maximum of sends in flight on this node.' } });
      continue;
    }
    // A hop that is not the last may use half of what is left, so a dead first provider still leaves the next one time.
    const isLast = hop === hops[hops.length - 1];
    const signal = AbortSignal.timeout(Math.max(1, Math.floor(isLast ? left : left / 2)));
    const outcome = await callProvider(hop, { ...message, statusCallbackUrl: hop.definition.receipts ? deps.callbackUrl(hop) : undefined }, deps, signal, release);
    push(outcome);
    if (key && outcome.kind === 'transient') await deps.breaker.failed(key);
    if (key && outcome.kind === 'delivered-to-provider' && !circuit.full) await deps.breaker.succeeded(key);
    if (outcome.kind !== 'transient') break;
  }
  return attempts;
}

/** The attempt that reached a provider, if one did. */
export const deliveredAttempt = (attempts: readonly HopAttempt[]) => attempts.find((a) => a.outcome.kind === 'delivered-to-provider');

/** Whether a failed chain may still have reached the phone (the request left and no answer came back). */
export const mayHaveBeenDelivered = (attempts: readonly HopAttempt[]) =>
  attempts.some((a) => a.outcome.kind === 'transient' && (a.outcome.error.errorCode === 'timeout' || a.outcome.error.errorCode === 'unreachable'));
