import { GRANT_TYPES } from '../../../src/domain/grant-types.js';
import type { UserWithConnection } from '../../../src/store/repositories/users.js';
import type { ClientRow } from '../../../src/store/repositories/clients.js';
import type { Tenant } from '../../../src/services/tenants.js';
import type { TestContext } from '../../support/harness.js';
import { createClient, createUser } from '../../auth/helpers.js';

/**
 * The tenant as a request reads it now: its configuration version tells the cache whether a setting changed since
 * (ctx.tenant keeps the version it was read with).
 */
export async function currentTenant(ctx: TestContext): Promise<Tenant> {
  const tenant = await ctx.services.tenants.findByName(ctx.tenant.name);
  if (!tenant) throw new Error('tenant gone');
  return tenant;
}

/**
 * What a surface holds when it calls the phone MFA core: the application and user rows, and a login transaction
 * started as the login pages start one (`universal_login`) or as the password grant does (`password`).
 */
export async function coreActors(ctx: TestContext, firstFactor: 'universal_login' | 'password' = 'universal_login') {
  const { services } = ctx;
  const tenant = await currentTenant(ctx);
  const view = await createClient(ctx, { grant_types: ['password', 'authorization_code', GRANT_TYPES.mfaOob, GRANT_TYPES.mfaRecoveryCode] });
  const created = await createUser(ctx);
  const client = (await services.clients.find(tenant, view.client_id)) as ClientRow;
  const user = (await services.users.find(tenant, created.user_id)) as UserWithConnection;
  const token = await services.phoneMfa.transactions.start(tenant, client, user, { scope: ['openid'], audience: null }, firstFactor, {});
  const opened = await services.phoneMfa.transactions.open(tenant, token, { surface: firstFactor === 'universal_login' ? 'universal_login' : 'mfa_api' });
  if (!opened.ok) throw new Error(`transaction did not open: ${opened.refusal.code}`);
  return { view, client, user, token, transaction: opened.value.transaction, clientAuth: { client_id: view.client_id, client_secret: view.client_secret! } };
}

/** The user's authenticators by status, and the challenges of the login transaction (consumed or not). */
export async function enrolmentRows(ctx: TestContext, userId: string, transactionId: string) {
  const rows = await ctx.services.authenticators.listForUser(ctx.tenant, userId);
  const challenges = await ctx.handle.db.selectFrom('mfa_challenges').selectAll().where('transaction_id', '=', transactionId).execute();
  return {
    pending: rows.filter((a) => a.status === 'pending').map((a) => a.type).sort(),
    confirmed: rows.filter((a) => a.status === 'confirmed').map((a) => a.type).sort(),
    challenges: challenges.map((c) => ({ consumed: c.consumed_at !== null, purpose: c.purpose })),
  };
}
