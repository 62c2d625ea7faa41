import { customPhoneProviderEvent, sendPhoneMessageEvent } from '../../actions/events.js';
import type { ActionCacheStore } from '../../actions/cache.js';
import type { ActionSandbox, ActionTriggerId, ExecutionResult, SandboxLimits } from '../../actions/types.js';
import type { ProviderDefinition, ProviderMessage, SendOutcome } from '../../delivery/kit.js';
import type { MessageChannel } from '../../domain/message-templates.js';
import type { ServiceDeps } from '../context.js';
import type { Tenant } from '../tenants.js';
import type { Users } from '../users.js';
import { TRIGGER_OF_PROVIDER, type ActionProviderId } from '../../delivery/providers/action-providers.js';
import type { Clients } from '../clients.js';

/**
 * Phone messages delivered by tenant code: the bound, deployed action of a trigger runs in the sandbox with Auth0's
 * event, its `api.cache` writes are kept, its execution is recorded, and what it came to is a provider outcome —
 * so an action is one more provider of the kit (issue 11), with the chain, ledger, events and limits around it.
 *
 * - `send-phone-message` is the guardian selected provider `phone-message-hook`;
 * - `custom-phone-provider` is the Unified Phone provider `custom` (`/api/v2/branding/phone/providers`).
 */

/** The deployed action bound to a trigger, secrets opened (from the Actions service). */
export interface BoundAction {
  actionId: string;
  actionName: string;
  versionId: string;
  versionNumber: number;
  code: string;
  secrets: Record<string, string>;
}

/** What this module needs of the Actions service (src/services/actions/). */
export interface ActionCatalogue {
  boundAction(tenant: Tenant, trigger: ActionTriggerId): Promise<BoundAction | undefined>;
  recordExecution(tenant: Tenant, trigger: ActionTriggerId, action: { actionId: string; actionName: string; versionId: string }, result: ExecutionResult): Promise<string>;
  networkPolicyHosts(tenant: Tenant): Promise<readonly string[] | null>;
}

export interface PhoneActionsOptions {
  catalogue: ActionCatalogue;
  sandbox: ActionSandbox;
  cache: ActionCacheStore;
  users: Users;
  clients: Clients;
  limits: SandboxLimits;
  /** `GUARDLINE_ACTIONS_ALLOW_PRIVATE_NETWORK` */
  allowPrivateNetwork: boolean;
  /** Vendor base URLs for the vetted modules (`twilio`, `twilioVerify`, `sns`). */
  vendorBaseUrls: Readonly<Record<string, string>>;
}

/** One run and what it came to. `retry` is set when a custom-phone-provider action asked for another attempt. */
export interface ActionRun {
  executionId: string;
  outcome: SendOutcome;
  retry?: { reason: string };
}

/** Replaces every occurrence of the code and each secret value (what an error message must never carry). */
export function redactor(secrets: readonly string[]) {
  const needles = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text: string) => needles.reduce((out, needle) => out.split(needle).join('******'), text);
}

/** The provider outcome of an execution (delivery-chain classes: transient moves on, the others stop). */
export function outcomeOf(result: ExecutionResult, executionId: string, redact: (text: string) => string, trigger: ActionTriggerId): Omit<ActionRun, 'executionId'> {
  if (result.ok) {
    if (result.notification?.action === 'drop') {
      return { outcome: { kind: 'permanent', error: { errorCode: 'action_dropped', message: redact(`The action dropped the message: ${result.notification.reason || 'no reason given'}`), actionExecutionId: executionId } } };
    }
    if (result.notification?.action === 'retry') {
      // The message is not delivered yet but will be tried again: Unified Phone tells the user nothing either way.
      return { outcome: { kind: 'delivered-to-provider', messageId: executionId, status: 'queued' }, retry: { reason: redact(result.notification.reason) } };
    }
    return { outcome: { kind: 'delivered-to-provider', messageId: executionId, status: 'accepted' } };
  }
  const error = result.error ?? { kind: 'exception' as const, message: 'The action failed.' };
  const message = redact(`The action failed (${error.kind}): ${error.message}`).slice(0, 1024);
  // Code that cannot run is the operator's to fix. A send-phone-message action has no other way to refuse a message
  // than to throw (a blocklist, a vendor's refusal): the user is told the message could not be sent. A
  // custom-phone-provider action says drop or retry itself, so its throw or a limit is transient (the chain may try
  // the next provider); so is a limit of a send-phone-message action.
  const kind =
    error.kind === 'invalid_code' || error.kind === 'module_not_found'
      ? 'misconfigured'
      : trigger === 'send-phone-message' && error.kind === 'exception'
        ? 'permanent'
        : 'transient';
  return { outcome: { kind, error: { errorCode: `action_${error.kind}`, message, actionExecutionId: executionId } } };
}

export function createPhoneActions({ clock }: Pick<ServiceDeps, 'clock'>, options: PhoneActionsOptions) {
  const { catalogue, sandbox, cache, users, clients } = options;

  async function eventFor(tenant: Tenant, trigger: ActionTriggerId, message: ProviderMessage): Promise<Record<string, unknown>> {
    const profile = message.user.id ? await users.get(tenant, message.user.id).catch(() => undefined) : undefined;
    const client = message.client ? await clients.get(tenant, message.client.id).catch(() => undefined) : undefined;
    const context = {
      message,
      user: profile,
      client: client ? { client_id: client.client_id, name: client.name, metadata: client.client_metadata } : undefined,
    };
    if (trigger === 'send-phone-message') return sendPhoneMessageEvent(context);
    const render = (channel: MessageChannel) => (channel === message.channel ? Promise.resolve(message.text) : (message.renderAs?.(channel) ?? Promise.resolve(message.text)));
    return customPhoneProviderEvent(context, { asText: await render('sms'), asVoice: await render('voice') });
  }

  /** Runs `binding` for `message` and records the execution. Never throws for anything the action does. */
  async function run(tenant: Tenant, trigger: ActionTriggerId, binding: BoundAction, message: ProviderMessage): Promise<ActionRun> {
    const now = clock.now();
    const [event, snapshot, allowedHosts] = await Promise.all([eventFor(tenant, trigger, message), cache.load(tenant.id, trigger, now), catalogue.networkPolicyHosts(tenant)]);
    const secretValues = Object.values(binding.secrets);
    const redact = redactor([message.code, ...secretValues]);
    const result = await sandbox.execute({
      tenantId: tenant.id,
      versionKey: `${binding.actionId}:${binding.versionId}`,
      code: binding.code,
      trigger,
      event: { ...event, secrets: binding.secrets },
      cache: snapshot,
      network: { allowPrivateNetwork: options.allowPrivateNetwork, allowedHosts },
      vendorBaseUrls: options.vendorBaseUrls,
      redact: [message.code, ...secretValues].filter((s) => s.length > 0),
      limits: options.limits,
    });
    if (result.cacheWrites.length > 0) await cache.apply(tenant.id, trigger, result.cacheWrites, clock.now());
    const safe: ExecutionResult = { ...result, ...(result.error ? { error: { ...result.error, message: redact(result.error.message) } } : {}) };
    const executionId = await catalogue.recordExecution(tenant, trigger, binding, safe);
    return { executionId, ...outcomeOf(result, executionId, redact, trigger) };
  }

  /**
   * The provider definition of `id` for sending as `tenant` with its bound action: the chain calls its `create`
   * and `send` like any vendor's. `onRetry` is told when the action asked to be run again (custom-phone-provider).
   */
  function boundDefinition(base: ProviderDefinition, tenant: Tenant, binding: BoundAction, onRetry: (run: ActionRun, message: ProviderMessage) => Promise<void>): ProviderDefinition {
    const trigger = TRIGGER_OF_PROVIDER[base.id as ActionProviderId];
    return {
      ...base,
      create: () => ({
        async send(message): Promise<SendOutcome> {
          const outcome = await run(tenant, trigger, binding, message);
          if (outcome.retry) await onRetry(outcome, message);
          return outcome.outcome;
        },
      }),
    };
  }

  return { run, boundDefinition, bound: (tenant: Tenant, trigger: ActionTriggerId) => catalogue.boundAction(tenant, trigger) };
}

export type PhoneActions = ReturnType<typeof createPhoneActions>;

