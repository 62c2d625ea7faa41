import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { errorBody, itRejectsBadRequests, managementApi } from './support.js';

const SECRET = 'tok_very-secret-value-1234';
const CODE = "exports.onExecuteSendPhoneMessage = async (event, api) => { console.log('sent'); };";
let names = 0;
const body = (extra: Record<string, unknown> = {}) => ({
  name: `action-${++names}`,
  supported_triggers: [{ id: 'send-phone-message', version: 'v2' }],
  code: CODE,
  dependencies: [{ name: 'twilio', version: '5.0.0' }],
  secrets: [{ name: 'TOKEN', value: SECRET }],
  ...extra,
});

describe.each(DIALECTS)('Management API: Actions (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  const create = async (extra: Record<string, unknown> = {}) => {
    const response = await api.call('POST', '/actions/actions', { payload: body(extra) });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; name: string };
  };

  it('creates, reads, lists (filters, paging), updates and deletes an action in Auth0\'s shape; secrets are names only', async () => {
    const created = await create();
    expect(created).toMatchObject({
      name: expect.stringMatching(/^action-/),
      supported_triggers: [{ id: 'send-phone-message', version: 'v2' }],
      code: CODE,
      dependencies: [{ name: 'twilio', version: '5.0.0' }],
      runtime: 'node22',
      secrets: [{ name: 'TOKEN', updated_at: expect.any(String) }],
      status: 'built',
      all_changes_deployed: false,
    });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await api.call('GET', `/actions/actions/${created.id}`)).json()).toEqual(created);
    const second = await create({ supported_triggers: [{ id: 'custom-phone-provider', version: 'v1' }], code: 'exports.onExecuteCustomPhoneProvider = async () => {};' });

    const byTrigger = (await api.call('GET', '/actions/actions?triggerId=custom-phone-provider')).json();
    expect(byTrigger.actions.map((a: { id: string }) => a.id)).toEqual([second.id]);
    const page = (await api.call('GET', '/actions/actions?per_page=1&page=1')).json();
    expect(page).toMatchObject({ total: expect.any(Number), page: 1, per_page: 1 });
    expect(page.actions).toHaveLength(1);
    expect((await api.call('GET', `/actions/actions?actionName=${created.name}`)).json().actions).toHaveLength(1);
    expect((await api.call('GET', '/actions/actions?installed=true')).json()).toEqual({ actions: [], total: 0, page: 0, per_page: 50 });

    const updated = await api.call('PATCH', `/actions/actions/${created.id}`, { payload: { code: `${CODE}\n// v2`, secrets: [{ name: 'TOKEN' }, { name: 'OTHER', value: 'another-secret-value' }] } });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().secrets.map((s: { name: string }) => s.name)).toEqual(['TOKEN', 'OTHER']);
    for (const response of [updated, await api.call('GET', '/actions/actions')]) {
      expect(response.body).not.toContain(SECRET);
      expect(response.body).not.toContain('another-secret-value');
    }
    // sealed at rest: the row does not hold the value in clear
    const row = await ctx().handle.db.selectFrom('actions').select(['secrets']).where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.secrets).not.toContain(SECRET);
    expect(row.secrets).toMatch(/^v1\./);

    expect((await api.call('DELETE', `/actions/actions/${second.id}`)).statusCode).toBe(204);
    expect((await api.call('GET', `/actions/actions/${second.id}`)).json()).toEqual(errorBody(404, 'Not Found', 'inexistent_action', 'The action does not exist.'));
  });

  it('refuses a duplicate name (409), unknown triggers or versions, unbundled dependencies, a bad secret name, and a secret without a value', async () => {
    const first = await create();
    const duplicate = await api.call('POST', '/actions/actions', { payload: body({ name: first.name }) });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ errorCode: 'action_exists' });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ supported_triggers: [{ id: 'post-login', version: 'v3' }] }, /runs the send-phone-message and custom-phone-provider triggers/],
      [{ supported_triggers: [{ id: 'send-phone-message', version: 'v1' }] }, /send-phone-message is version v2/],
      [{ dependencies: [{ name: 'left-pad', version: '1.3.0' }] }, /cannot install npm packages at run time; "left-pad" is not one of the modules it bundles \(twilio, aws-sdk, @aws-sdk\/client-sns, axios\)/],
      [{ secrets: [{ name: '1BAD', value: 'x' }] }, /not a valid name/],
      [{ secrets: [{ name: 'NOVALUE' }] }, /"NOVALUE" has no value/],
      [{ runtime: 'node12' }, /runtime: one of node18, node22/],
    ];
    for (const [extra, message] of cases) {
      const response = await api.call('POST', '/actions/actions', { payload: body(extra) });
      expect(response.statusCode, JSON.stringify(extra)).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, errorCode: 'invalid_body', message: expect.stringMatching(message) });
    }
  });

  it('deploys immutable versions, lists them, rolls back, and refuses code that does not compile (with its line)', async () => {
    const action = await create();
    const v1 = await api.call('POST', `/actions/actions/${action.id}/deploy`);
    expect(v1.statusCode, v1.body).toBe(200);
    expect(v1.json()).toMatchObject({ action_id: action.id, number: 1, deployed: true, code: CODE, status: 'built', secrets: [{ name: 'TOKEN', updated_at: expect.any(String) }] });
    expect(v1.body).not.toContain(SECRET);
    expect((await api.call('GET', `/actions/actions/${action.id}`)).json()).toMatchObject({ all_changes_deployed: true, deployed_version: { id: v1.json().id } });

    await api.call('PATCH', `/actions/actions/${action.id}`, { payload: { code: `${CODE} // two` } });
    expect((await api.call('GET', `/actions/actions/${action.id}`)).json().all_changes_deployed).toBe(false);
    const v2 = (await api.call('POST', `/actions/actions/${action.id}/deploy`)).json();
    expect(v2).toMatchObject({ number: 2, deployed: true });
    const versions = (await api.call('GET', `/actions/actions/${action.id}/versions`)).json();
    expect(versions).toMatchObject({ total: 2, page: 0, per_page: 50 });
    expect(versions.versions.map((v: { number: number; deployed: boolean }) => [v.number, v.deployed])).toEqual([[2, true], [1, false]]);

    const rolledBack = await api.call('POST', `/actions/actions/${action.id}/versions/${v1.json().id}/deploy`);
    expect(rolledBack.json()).toMatchObject({ number: 1, deployed: true });
    expect((await api.call('GET', `/actions/actions/${action.id}/versions/${v2.id}`)).json()).toMatchObject({ deployed: false });
    expect((await api.call('GET', `/actions/actions/${action.id}/versions/nope`)).json()).toMatchObject({ statusCode: 404, errorCode: 'inexistent_action_version' });

    const broken = await create({ code: 'exports.onExecuteSendPhoneMessage = async (event, api) => {\n  const x = ;\n};' });
    const refused = await api.call('POST', `/actions/actions/${broken.id}/deploy`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/does not compile: Unexpected token ';' \[action\.js:2:13\]/);
  });

  it('binds one deployed action per trigger; refuses undeployed, wrong-trigger, unknown and two bindings; delete of a bound action needs force', async () => {
    const action = await create();
    const bind = (bindings: unknown[], trigger = 'send-phone-message') => api.call('PATCH', `/actions/triggers/${trigger}/bindings`, { payload: { bindings } });
    expect((await bind([{ ref: { type: 'action_id', value: action.id } }])).json().message).toMatch(/has no deployed version: deploy it first/);
    await api.call('POST', `/actions/actions/${action.id}/deploy`);
    expect((await bind([{ ref: { type: 'action_id', value: action.id } }], 'custom-phone-provider')).json().message).toMatch(/does not support the custom-phone-provider trigger/);
    expect((await bind([{ ref: { type: 'action_name', value: 'no-such-action' } }])).json().message).toMatch(/no action with name "no-such-action"/);
    expect((await bind([{ ref: { type: 'action_id', value: action.id } }, { ref: { type: 'action_id', value: action.id } }])).json().message).toMatch(/runs one action at most/);
    expect((await bind([{ ref: { type: 'action_id', value: action.id } }], 'post-login')).statusCode).toBe(400);

    const tenant = ctx().tenant;
    expect(await ctx().services.actions.boundAction(tenant, 'send-phone-message')).toBeUndefined();
    const bound = await bind([{ ref: { type: 'action_name', value: action.name }, display_name: 'SMS' }]);
    expect(bound.statusCode, bound.body).toBe(200);
    expect(bound.json().bindings).toEqual([expect.objectContaining({ trigger_id: 'send-phone-message', display_name: 'SMS', action: expect.objectContaining({ id: action.id }) })]);
    expect((await api.call('GET', '/actions/triggers/send-phone-message/bindings')).json()).toMatchObject({ total: 1, bindings: [{ display_name: 'SMS' }] });

    // what a send reads: the deployed code with opened secrets, refreshed through the config cache after a change
    const fresh = async () => ctx().services.actions.boundAction((await ctx().services.tenants.findByName(tenant.name))!, 'send-phone-message');
    expect(await fresh()).toMatchObject({ actionId: action.id, actionName: action.name, code: CODE, secrets: { TOKEN: SECRET }, versionNumber: 1 });
    await api.call('PATCH', `/actions/actions/${action.id}`, { payload: { code: `${CODE} // three` } });
    await api.call('POST', `/actions/actions/${action.id}/deploy`);
    expect(await fresh()).toMatchObject({ code: `${CODE} // three`, versionNumber: 2 });

    const refused = await api.call('DELETE', `/actions/actions/${action.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ errorCode: 'action_bound' });
    expect((await api.call('DELETE', `/actions/actions/${action.id}?force=true`)).statusCode).toBe(204);
    expect((await api.call('GET', '/actions/triggers/send-phone-message/bindings')).json()).toMatchObject({ total: 0, bindings: [] });
    expect(await fresh()).toBeUndefined();
    expect((await bind([])).json()).toEqual({ bindings: [] });
  });

  it('lists the two triggers; the settings hold a validated fetch allow-list; unknown executions are 404', async () => {
    expect((await api.call('GET', '/actions/triggers')).json().triggers.map((t: { id: string; version: string }) => `${t.id}@${t.version}`)).toEqual(['send-phone-message@v2', 'custom-phone-provider@v1']);
    expect((await api.call('GET', '/actions/settings')).json()).toEqual({ fetch_allowed_hosts: null });
    const saved = await api.call('PATCH', '/actions/settings', { payload: { fetch_allowed_hosts: ['API.twilio.com', '*.amazonaws.com'] } });
    expect(saved.json()).toEqual({ fetch_allowed_hosts: ['api.twilio.com', '*.amazonaws.com'] });
    expect(await ctx().services.actions.networkPolicyHosts((await ctx().services.tenants.findByName(ctx().tenant.name))!)).toEqual(['api.twilio.com', '*.amazonaws.com']);
    expect((await api.call('PATCH', '/actions/settings', { payload: { fetch_allowed_hosts: ['http://x.example/'] } })).json().message).toMatch(/is not a host name/);
    expect((await api.call('GET', '/actions/executions/000')).json()).toMatchObject({ statusCode: 404, errorCode: 'inexistent_action_execution' });
  });

  itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/actions/actions', scopes: ['read:actions'] });
  itRejectsBadRequests(ctx, api, clock, {
    method: 'POST',
    path: () => '/actions/actions',
    scopes: ['create:actions'],
    body: { valid: () => body(), unknownField: { colour: 'blue' }, wrongType: { code: 42 } },
  });
  itRejectsBadRequests(ctx, api, clock, {
    method: 'PATCH',
    path: () => '/actions/triggers/send-phone-message/bindings',
    scopes: ['update:actions'],
    body: { valid: () => ({ bindings: [] }), unknownField: { extra: 1 }, wrongType: { bindings: 'all' } },
  });
  itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/actions/executions/x', scopes: ['read:actions'] });
});
