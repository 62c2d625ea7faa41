import type { LightMyRequestResponse } from 'fastify';
import type { PhoneFraudPatch } from '../../src/domain/phone-fraud/settings.js';
import type { Tenant } from '../../src/services/tenants.js';
import type { App } from '../../src/http/types.js';
import { createUser, PASSWORD } from '../auth/helpers.js';
import { chainScene, codeFrom } from '../delivery/support.js';
import { oobExchange } from '../mfa/support.js';
import type { FakeSmsApi } from '../support/fakes/fake-sms-provider.js';
import type { TestContext } from '../support/harness.js';

/** A tenant of its own sending through the loopback vendor `fake-a` (a billed provider), with `fraud` applied on top of the product's defaults. */
export async function fraudScene(ctx: TestContext, fraud?: PhoneFraudPatch) {
  const scene = await chainScene(ctx, [{ provider: 'fake-a' }]);
  if (fraud) await ctx.services.protections.updatePhoneFraud(scene.tenant, fraud);
  return scene;
}

export type Scene = Awaited<ReturnType<typeof fraudScene>>;

export interface From {
  remoteAddress?: string;
  headers?: Record<string, string>;
  app?: App;
}

/** One login of a new user of the scene's tenant: the password grant, answered with an mfa_token. */
export async function newLogin(ctx: TestContext, scene: Scene, from: From = {}) {
  const user = await createUser(ctx, {}, scene.tenant);
  const response = await (from.app ?? ctx.app).inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { host: scene.tenant.domain, 'content-type': 'application/x-www-form-urlencoded', ...from.headers },
    ...(from.remoteAddress ? { remoteAddress: from.remoteAddress } : {}),
    payload: new URLSearchParams({ grant_type: 'password', ...scene.actors.clientAuth, username: user.email, password: PASSWORD }).toString(),
  });
  if (response.statusCode !== 403) throw new Error(`expected mfa_required, got ${response.statusCode} ${response.body}`);
  return { user, mfaToken: response.json().mfa_token as string };
}

/** POST /mfa/associate for an SMS number: the send the fraud guard sees. */
export function associateSms(ctx: TestContext, tenant: Tenant, mfaToken: string, phone: string, from: From = {}): Promise<LightMyRequestResponse> {
  return (from.app ?? ctx.app).inject({
    method: 'POST',
    url: '/mfa/associate',
    headers: { host: tenant.domain, authorization: `Bearer ${mfaToken}`, 'content-type': 'application/json', ...from.headers },
    ...(from.remoteAddress ? { remoteAddress: from.remoteAddress } : {}),
    payload: JSON.stringify({ authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone }),
  });
}

/** A new user enrols `phone` (associate), and types the code back when `verify` (what a real person does). */
export async function enrolment(ctx: TestContext, scene: Scene, vendor: FakeSmsApi, phone: string, options: { verify: boolean; from?: From }) {
  const { mfaToken } = await newLogin(ctx, scene, options.from);
  const response = await associateSms(ctx, scene.tenant, mfaToken, phone, options.from);
  if (response.statusCode === 200 && options.verify) {
    const confirm = await oobExchange(ctx, scene.actors.clientAuth, mfaToken, response.json().oob_code, codeFrom(vendor, phone), scene.tenant);
    if (confirm.statusCode !== 200) throw new Error(`confirm failed: ${confirm.statusCode} ${confirm.body}`);
  }
  return response;
}

export async function eventsOf(ctx: TestContext, tenant: Tenant, type: string) {
  const { logs } = await ctx.services.events.list(tenant.id, { types: [type] }, { offset: 0, limit: 1000, order: 'asc' }, false);
  return logs;
}

/** Valid mobile numbers: UK +44 7400 1234nn and Japan +81 90 1234 56nn (libphonenumber's max metadata accepts both). */
export const ukMobile = (n: number) => `+4474001234${String(n % 100).padStart(2, '0')}`;
export const jpMobile = (n: number) => `+8190123456${String(n % 100).padStart(2, '0')}`;
