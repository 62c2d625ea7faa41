import { IMPORT_MAX_BYTES_DEFAULT } from '../config/load.js';
import { createUserJobs } from './user-jobs.js';
import { CLIENT_SECRET_KEY_PURPOSE, createClientSecrets, hmacDigest } from '../crypto/client-secret.js';
import { createAuthenticators } from './authenticators.js';
import { createAuthorization } from './authorization.js';
import { createBranding } from './branding.js';
import { createBruteForce } from './brute-force.js';
import type { ServiceDeps } from './context.js';
import { createClientAuthentication } from './client-authentication.js';
import { createClientGrants } from './client-grants.js';
import { createClients } from './clients.js';
import { createConfigCache, type ConfigCache } from './config-cache.js';
import { createDevInbox } from './dev-inbox.js';
import { createDeliveries } from './deliveries.js';
import { createProviderConfigs } from './provider-configs.js';
import { createPhoneTemplates } from './phone-templates.js';
import { createDevInboxWriter } from '../delivery/dev-inbox.js';
import { createProviderRegistry, shippedProviders } from '../delivery/registry.js';
import { createEnrollmentTickets } from './enrollment-tickets.js';
import { createEventLog } from './events.js';
import { createLogStreamServices } from './log-streams/index.js';
import { createGuardian } from './guardian.js';
import { createMfaApi } from './mfa-api/index.js';
import { createPhoneDelivery } from './phone-delivery.js';
import { createPhoneMfa } from './phone-mfa/index.js';
import { createSigningKeys } from './signing-keys.js';
import { createTenants } from './tenants.js';
import { createTokens } from './tokens.js';
import { createUserTokens } from './user-tokens.js';
import { createUsers } from './users.js';
import { createPromptTexts } from './prompt-texts.js';
import { createLoginSettings } from './login-settings.js';
import { createRememberedBrowsers } from './remembered-browsers.js';
import { createLoginStateSealer } from './login-state.js';
import { createLoginMfa } from './login-mfa/flow.js';
import { createSqlActionCache } from '../actions/cache.js';
import { VETTED_MODULE_SOURCES, vettedModuleHelpers } from '../actions/modules/index.js';
import { createActionSandbox, DEFAULT_SANDBOX_LIMITS } from '../actions/sandbox/index.js';
import { TRIGGER_OF_PROVIDER, type ActionProviderId } from '../delivery/providers/action-providers.js';
import { SNS_DEFAULT_BASE_URL } from '../delivery/providers/amazon-sns.js';
import { createActions } from './actions/index.js';
import { createActionRetries } from './phone-actions/retries.js';
import { createPhoneActions } from './phone-actions/run.js';
import type { Tenant } from './tenants.js';
import { createMetrics } from '../metrics/index.js';
import { observeRefusals } from '../limits/observed.js';
import { DEFAULT_PRICES } from '../domain/phone-fraud/prices.js';
import { createPrefixBlocks } from './phone-fraud/blocks.js';
import { createFraudGuard } from './phone-fraud/guard.js';
import { createProtectionSettings } from './phone-fraud/settings.js';
import { createUsageTriggers } from './phone-fraud/usage-triggers.js';

/**
 * Builds every use case from the injected adapters. The HTTP layer and the CLI both start here. `cache` is the
 * process's cache of tenant configuration (config-cache.ts): one per process, shared by every service.
 */
export function buildServices(deps: ServiceDeps, { cache = createConfigCache() }: { cache?: ConfigCache } = {}) {
  const metrics = deps.metrics ?? createMetrics();
  // Every refused take of every service is counted once, here (guardline_limit_rejections_total).
  deps = { ...deps, limiter: observeRefusals(deps.limiter, (name) => metrics.limitRejected(name)) };
  const signingKeys = createSigningKeys(deps, { cache });
  const tenants = createTenants(deps, signingKeys);
  const tokens = createTokens(deps, signingKeys);
  const events = createEventLog(deps);
  const clientSecrets = createClientSecrets(hmacDigest(deps.secretBox.derive(CLIENT_SECRET_KEY_PURPOSE)));
  const clients = createClients(deps, { secrets: clientSecrets, cache });
  const users = createUsers(deps);
  const clientGrants = createClientGrants(deps);
  const registry = createProviderRegistry(
    [...shippedProviders({ devInbox: createDevInboxWriter(deps), upstream: deps.config.builtinSmsUpstream, fetch: deps.fetch ?? globalThis.fetch }), ...(deps.extraProviders ?? [])],
    deps.config.providerBaseUrls,
  );
  // Tenant code (issue 11): the Actions API, the sandbox that runs it, and the phone providers that are actions.
  const actions = createActions(deps, { cache });
  const actionSandbox = deps.actionSandbox ?? createActionSandbox({ vettedModules: VETTED_MODULE_SOURCES, hostHelpers: vettedModuleHelpers() });
  const actionCache = deps.actionCache ?? createSqlActionCache(deps.store);
  /** `phone-message-hook` and `custom` need a deployed action bound to their trigger before they can be chosen. */
  const actionProviderProblem = async (tenant: Tenant, provider: string) => {
    const trigger = TRIGGER_OF_PROVIDER[provider as ActionProviderId];
    if (!trigger || (await actions.boundAction(tenant, trigger))) return undefined;
    return `No deployed action is bound to the ${trigger} trigger: create an action supporting it, deploy it and bind it (/api/v2/actions) before choosing the ${provider} provider.`;
  };
  const providerConfigs = createProviderConfigs(deps, { events, registry, cache, providerProblem: actionProviderProblem });
  const deliveries = createDeliveries(deps, { providerConfigs });
  const guardian = createGuardian(deps, { events, cache, channelsProblem: providerConfigs.channelsProblem, providerProblem: actionProviderProblem });
  const userTokens = createUserTokens(deps, { tokens, clients });
  const authenticators = createAuthenticators(deps, { events });
  const baseUrls = deps.config.providerBaseUrls ?? {};
  const phoneActions = createPhoneActions(deps, {
    catalogue: actions,
    sandbox: actionSandbox,
    cache: actionCache,
    users,
    clients,
    limits: DEFAULT_SANDBOX_LIMITS,
    allowPrivateNetwork: deps.config.actions?.allowPrivateNetwork ?? false,
    vendorBaseUrls: {
      twilio: baseUrls.GUARDLINE_TWILIO_BASE_URL ?? 'https://api.twilio.com',
      twilioVerify: baseUrls.GUARDLINE_TWILIO_VERIFY_BASE_URL ?? 'https://verify.twilio.com',
      sns: baseUrls.GUARDLINE_SNS_BASE_URL ?? SNS_DEFAULT_BASE_URL,
    },
  });
  const actionRetries = createActionRetries(deps, { phoneActions, tenants, deliveries, events });
  // Toll-fraud defence (issue 12): the protections' settings, prefix blocks, usage triggers, and the guard every send passes.
  const protections = createProtectionSettings(deps, { cache });
  const prefixBlocks = createPrefixBlocks(deps, { cache, events });
  const usageTriggers = createUsageTriggers(deps, { cache, events, network: { allowPrivateNetwork: deps.config.actions?.allowPrivateNetwork ?? false, allowedHosts: null } });
  const fraudGuard = createFraudGuard(deps, { protections, blocks: prefixBlocks, usageTriggers, events, prices: deps.config.phonePrices ?? DEFAULT_PRICES, metrics });
  const phoneDelivery = createPhoneDelivery(deps, { events, registry, providerConfigs, deliveries, phoneActions, actionRetries, metrics, fraudGuard });
  const bruteForce = createBruteForce(deps, { events, cache, suspiciousIp: protections.suspiciousIp });
  // The phone factor without a transport (for the login pages), and Auth0's MFA API on it.
  const phoneMfa = createPhoneMfa(deps, { guardian, authenticators, phoneDelivery, events, codeVerified: async (tenant, phone) => {
      // A test number's code says nothing about real traffic (nothing was sent): the completion rate leaves it out.
      if ((await guardian.factorsAndSettings(tenant)).settings.testNumbers.some((n) => n.phone_number === phone)) return;
      await fraudGuard.verified(tenant, phone);
    },
  });
  const mfaApi = createMfaApi(deps, { phoneMfa, users, clients, guardian, authenticators, userTokens, tokens, events });
  const loginSettings = createLoginSettings(deps, { cache });
  const rememberedBrowsers = createRememberedBrowsers(deps);
  const logStreams = createLogStreamServices(deps);
  const userJobs = createUserJobs({ ...deps, importMaxBytes: deps.config.importMaxBytes ?? IMPORT_MAX_BYTES_DEFAULT });
  // guardline_log_stream_lag: events not yet delivered, per stream (read at each scrape).
  metrics.registerLagSource(() => logStreams.streams.lagSamples());
  return {
    deps,
    tenants,
    signingKeys,
    tokens,
    events,
    clients,
    clientAuthentication: createClientAuthentication(deps, { clients, events, secrets: clientSecrets }),
    users,
    clientGrants,
    guardian,
    registry,
    providerConfigs,
    deliveries,
    phoneTemplates: createPhoneTemplates({ guardian }),
    authenticators,
    phoneDelivery,
    phoneMfa,
    mfaApi,
    bruteForce,
    branding: createBranding(deps, { cache }),
    enrollmentTickets: createEnrollmentTickets(deps),
    devInbox: createDevInbox(deps),
    loginSettings,
    promptTexts: createPromptTexts(deps, { cache }),
    rememberedBrowsers,
    loginState: createLoginStateSealer(deps),
    loginMfa: createLoginMfa(deps, { phoneMfa, guardian, loginSettings, rememberedBrowsers }),
    authorization: createAuthorization(deps, { users, clients, clientGrants, tokens, userTokens, events, secondFactor: mfaApi.secondFactor, bruteForce }),
    actions,
    phoneActions,
    actionRetries,
    protections,
    prefixBlocks,
    usageTriggers,
    fraudGuard,
    /** `/api/v2/log-streams` and the delivery worker (started by `guardline start`). */
    logStreams,
    /** `/api/v2/jobs`: users import and export jobs, and their poller (started by `guardline start`). */
    userJobs,
    /** This instance's Prometheus registry and the functions that feed it (`GET /metrics`, docs/metrics.md). */
    metrics,
    /** Stops background work and frees the sandbox's isolates (shutdown, tests). Storage is the caller's to close. */
    async close(): Promise<void> {
      await actionRetries.stop();
      await usageTriggers.stop();
      await fraudGuard.stop();
      await logStreams.delivery.stop();
      await userJobs.stop();
      if (!deps.actionSandbox) await actionSandbox.close();
      if (!deps.actionCache) await actionCache.close();
    },
  };
}

export type Services = ReturnType<typeof buildServices>;
