import { randomBytes } from 'node:crypto';
import { GRANT_TYPES } from '../domain/grant-types.js';
import type { Services } from '../services/index.js';
import { DEFAULT_CONNECTION, type Tenant } from '../services/tenants.js';

/**
 * What `guardline demo` needs in the tenant, made through the services (never the database) and idempotently:
 * its application (a fixed client_id, callbacks moved to the demo's current address, a fresh secret each run that
 * only the demo process holds), its user (created once: the password is shown that one time), and, unless
 * `mfa: false`, the phone factor over SMS through the built-in provider for every application.
 */

export const DEMO_CLIENT_ID = 'guardline-demo';
export const DEMO_USER_EMAIL = 'demo@example.com';

export interface DemoSetup {
  clientId: string;
  clientSecret: string;
  user: { email: string; created: boolean; password?: string };
  mfa: boolean;
}

const SYSTEM = { ip: '127.0.0.1', userAgent: 'guardline demo' };

export async function prepareDemo(services: Services, tenant: Tenant, options: { demoUrl: string; mfa: boolean }): Promise<DemoSetup> {
  const callback = new URL('/callback', options.demoUrl).href;
  const home = new URL('/', options.demoUrl).href;
  const fields = {
    name: 'Guardline demo',
    description: 'The sample application of `guardline demo`',
    app_type: 'regular_web' as const,
    grant_types: [GRANT_TYPES.authorizationCode],
    callbacks: [callback],
    allowed_logout_urls: [home],
  };

  let clientSecret: string;
  if (await services.clients.find(tenant, DEMO_CLIENT_ID)) {
    await services.clients.update(tenant, DEMO_CLIENT_ID, fields);
    clientSecret = (await services.clients.rotateSecret(tenant, DEMO_CLIENT_ID)).client_secret!;
  } else {
    clientSecret = (await services.clients.create(tenant, fields, { clientId: DEMO_CLIENT_ID })).client_secret!;
  }

  const existing = await services.users.list(tenant, { email: DEMO_USER_EMAIL }, { offset: 0, limit: 1 }, false);
  let user: DemoSetup['user'] = { email: DEMO_USER_EMAIL, created: false };
  if (existing.users.length === 0) {
    const password = `demo-${randomBytes(9).toString('base64url')}`;
    await services.users.create(tenant, { connection: DEFAULT_CONNECTION, email: DEMO_USER_EMAIL, password, name: 'Demo User' });
    user = { email: DEMO_USER_EMAIL, created: true, password };
  }

  const { guardian } = services;
  if (options.mfa) {
    await guardian.setFactor(tenant, 'sms', true, SYSTEM);
    await guardian.setProvider(tenant, 'auth0', SYSTEM);
    await guardian.setMessageTypes(tenant, ['sms'], SYSTEM);
    await guardian.setPolicies(tenant, ['all-applications'], SYSTEM);
  } else {
    // The policy only: the factor and the user's enrolments are kept for the next run with MFA.
    await guardian.setPolicies(tenant, [], SYSTEM);
  }
  return { clientId: DEMO_CLIENT_ID, clientSecret, user, mfa: options.mfa };
}
