import { expect } from 'vitest';
import { createAdminApplication } from '../../src/services/bootstrap.js';
import { enablePhoneFactor, mfaActors } from '../mfa/support.js';
import { managementToken, type TestContext } from '../support/harness.js';

let tenants = 0;

/** A tenant with the phone factor on, an administrator token and the MFA actors: what every action test starts from. */
export async function actionScene(ctx: TestContext, messageTypes: Array<'sms' | 'voice'> = ['sms']) {
  const tenant = await ctx.services.tenants.create({ name: `actions-${process.pid}-${++tenants}` });
  await enablePhoneFactor(ctx, { messageTypes }, tenant);
  const admin = await createAdminApplication(ctx.services, tenant);
  const token = await managementToken(ctx, admin, { tenant });
  const api = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, payload?: unknown) => {
    const response = await ctx.app.inject({ method, url: `/api/v2${path}`, headers: { host: tenant.domain, authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as Record<string, unknown> & { [k: string]: any }) : undefined, raw: response.body };
  };
  return { tenant, api, actors: await mfaActors(ctx, tenant) };
}

/** Creates, deploys and binds an action through Auth0's Actions API; returns the action's id. */
export async function deployBound(
  api: Awaited<ReturnType<typeof actionScene>>['api'],
  input: { name: string; trigger: 'send-phone-message' | 'custom-phone-provider'; code: string; secrets?: Record<string, string>; dependencies?: Array<{ name: string; version: string }> },
): Promise<string> {
  const created = await api('POST', '/actions/actions', {
    name: input.name,
    supported_triggers: [{ id: input.trigger, version: input.trigger === 'send-phone-message' ? 'v2' : 'v1' }],
    code: input.code,
    runtime: 'node22',
    ...(input.dependencies ? { dependencies: input.dependencies } : {}),
    secrets: Object.entries(input.secrets ?? {}).map(([name, value]) => ({ name, value })),
  });
  expect(created.status, created.raw).toBe(201);
  const id = created.body!.id as string;
  const deployed = await api('POST', `/actions/actions/${id}/deploy`);
  expect(deployed.status, deployed.raw).toBeLessThan(300);
  const bound = await api('PATCH', `/actions/triggers/${input.trigger}/bindings`, { bindings: [{ ref: { type: 'action_id', value: id }, display_name: input.name }] });
  expect(bound.status, bound.raw).toBe(200);
  return id;
}
