import type { Tenant } from '../../src/services/tenants.js';
import { codeIn, enablePhoneFactor, mfaActors, mfaApi, oobExchange, passwordForMfaToken, challenge } from '../mfa/support.js';
import type { TestContext } from '../support/harness.js';
import { FAKE_API_KEY, fakeSmsProvider, startFakeSmsApi, type FakeSmsApi } from '../support/fakes/fake-sms-provider.js';

/** Two fake vendors (`fake-a`, `fake-b`), each on its own loopback server, for a chain of two. */
export const FAKE_A = fakeSmsProvider('fake-a');
export const FAKE_B = fakeSmsProvider('fake-b');
/** SMS only: a vendor that cannot carry voice. */
export const FAKE_SMS_ONLY = fakeSmsProvider('fake-sms-only', { channels: ['sms'] });

export async function startVendors() {
  const a = await startFakeSmsApi();
  const b = await startFakeSmsApi();
  const smsOnly = await startFakeSmsApi();
  return {
    a,
    b,
    smsOnly,
    baseUrls: { [FAKE_A.baseUrlSetting]: a.url, [FAKE_B.baseUrlSetting]: b.url, [FAKE_SMS_ONLY.baseUrlSetting]: smsOnly.url },
    close: () => Promise.all([a.close(), b.close(), smsOnly.close()]),
  };
}

let tenants = 0;

/**
 * A tenant of its own (so provider configurations, circuits and ledgers never mix between tests) with the phone
 * factor on, its chain made of `providers` in order, and an application and user ready for MFA.
 */
export async function chainScene(ctx: TestContext, providers: Array<{ provider: string; countries?: string[] }>, options: { messageTypes?: Array<'sms' | 'voice'> } = {}) {
  const tenant = await ctx.services.tenants.create({ name: `chain-${process.pid}-${++tenants}` });
  await enablePhoneFactor(ctx, { messageTypes: options.messageTypes ?? ['sms'] }, tenant);
  await ctx.services.guardian.setProvider(tenant, 'twilio', {});
  const configs = [];
  for (const p of providers) {
    configs.push(await ctx.services.providerConfigs.create(tenant, { provider: p.provider, configuration: { api_key: FAKE_API_KEY, from: 'Guardline' }, ...(p.countries ? { countries: p.countries } : {}) }, {}));
  }
  const actors = await mfaActors(ctx, tenant);
  return { tenant, configs, actors };
}

/** The code in the newest message a fake vendor took for `to`. */
export function codeFrom(api: FakeSmsApi, to: string): string {
  const message = [...api.messages].reverse().find((m) => m.to === to);
  if (!message) throw new Error(`the fake vendor has no message to ${to}`);
  return codeIn(message.text);
}

/** Enrolls `phone` for the scene's user, the code read from whichever vendor `read` returns. */
export async function enrollThrough(ctx: TestContext, tenant: Tenant, actors: Awaited<ReturnType<typeof mfaActors>>, phone: string, read: () => string) {
  const mfaToken = await passwordForMfaToken(ctx, actors, {}, tenant);
  const associate = await mfaApi(ctx, 'POST', '/mfa/associate', { bearer: mfaToken, host: tenant.domain, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone } });
  if (associate.statusCode !== 200) throw new Error(`associate failed: ${associate.body}`);
  const confirm = await oobExchange(ctx, actors.clientAuth, mfaToken, associate.json().oob_code, read(), tenant);
  if (confirm.statusCode !== 200) throw new Error(`confirm failed: ${confirm.body}`);
}

/** A fresh mfa_token and a challenge on it. */
export async function challengeIn(ctx: TestContext, tenant: Tenant, actors: Awaited<ReturnType<typeof mfaActors>>, extra: Record<string, string> = {}) {
  const mfaToken = await passwordForMfaToken(ctx, actors, {}, tenant);
  const response = await challenge(ctx, actors.clientAuth, mfaToken, extra, tenant.domain);
  return { mfaToken, response };
}

export const ledger = (ctx: TestContext, tenant: Tenant) =>
  ctx.handle.db.selectFrom('delivery_attempts').selectAll().where('tenant_id', '=', tenant.id).orderBy('id').execute();
