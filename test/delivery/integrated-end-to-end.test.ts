import { afterAll, describe, expect, it } from 'vitest';
import { amazonSns } from '../../src/delivery/providers/amazon-sns.js';
import { clicksend } from '../../src/delivery/providers/clicksend.js';
import { esendex } from '../../src/delivery/providers/esendex.js';
import { infobip } from '../../src/delivery/providers/infobip.js';
import { mitto } from '../../src/delivery/providers/mitto.js';
import { telesign } from '../../src/delivery/providers/telesign.js';
import { vonage } from '../../src/delivery/providers/vonage.js';
import type { ProviderDefinition } from '../../src/delivery/kit.js';
import { createAdminApplication } from '../../src/services/bootstrap.js';
import type { Tenant } from '../../src/services/tenants.js';
import { SNS_ACCESS_KEY_ID, SNS_REGION, SNS_SECRET_ACCESS_KEY, startFakeSns } from '../support/fakes/amazon-sns.js';
import { CLICKSEND_API_KEY, CLICKSEND_USERNAME, startFakeClickSend } from '../support/fakes/clicksend.js';
import { ESENDEX_ACCOUNT, ESENDEX_PASSWORD, ESENDEX_USERNAME, startFakeEsendex } from '../support/fakes/esendex.js';
import { INFOBIP_API_KEY, startFakeInfobip } from '../support/fakes/infobip.js';
import { MITTO_API_KEY, startFakeMitto } from '../support/fakes/mitto.js';
import { TELESIGN_API_KEY, TELESIGN_CUSTOMER_ID, startFakeTelesign } from '../support/fakes/telesign.js';
import type { VendorFake } from '../support/fakes/vendor-fake.js';
import { VONAGE_API_KEY, VONAGE_API_SECRET, startFakeVonage } from '../support/fakes/vonage.js';
import { DIALECTS, managementToken, useTestContext } from '../support/harness.js';
import { codeIn, enablePhoneFactor, mfaActors, oobExchange, US_MOBILE } from '../mfa/support.js';
import { challengeIn, enrollThrough, ledger } from './support.js';

/**
 * The Done-when of issue 9 for the seven integrated providers: configured through the Management API (the Unified
 * Phone provider endpoint, Guardline's extension of it), the code of an MFA API enrolment and of a later challenge
 * reaches the vendor's strict fake — which checked the vendor's authentication and fields — and the code it carried is
 * the one the exchange accepts; the ledger names the vendor and its message id.
 */
interface Vendor {
  definition: ProviderDefinition;
  start: () => Promise<VendorFake>;
  configuration: Record<string, unknown>;
}

const VENDORS: Vendor[] = [
  { definition: amazonSns, start: startFakeSns, configuration: { region: SNS_REGION, accessKeyId: SNS_ACCESS_KEY_ID, secretAccessKey: SNS_SECRET_ACCESS_KEY } },
  { definition: vonage, start: startFakeVonage, configuration: { apiKey: VONAGE_API_KEY, apiSecret: VONAGE_API_SECRET, from: 'Guardline' } },
  { definition: infobip, start: startFakeInfobip, configuration: { apiKey: INFOBIP_API_KEY, sender: 'Guardline' } },
  { definition: telesign, start: startFakeTelesign, configuration: { customerId: TELESIGN_CUSTOMER_ID, apiKey: TELESIGN_API_KEY } },
  { definition: esendex, start: startFakeEsendex, configuration: { accountReference: ESENDEX_ACCOUNT, username: ESENDEX_USERNAME, password: ESENDEX_PASSWORD } },
  { definition: clicksend, start: startFakeClickSend, configuration: { username: CLICKSEND_USERNAME, apiKey: CLICKSEND_API_KEY } },
  { definition: mitto, start: startFakeMitto, configuration: { apiKey: MITTO_API_KEY, from: 'Guardline' } },
];

// Started before the contexts, which take the fakes' URLs as the providers' base URL settings.
const fakes = new Map<string, VendorFake>();
for (const vendor of VENDORS) fakes.set(vendor.definition.id, await vendor.start());
const baseUrls = Object.fromEntries(VENDORS.map((v) => [v.definition.baseUrlSetting, fakes.get(v.definition.id)!.url]));
afterAll(async () => {
  for (const fake of fakes.values()) await fake.close();
});

/** The text of the newest request a fake took, whatever its encoding (form, JSON or XML). */
function lastText(fake: VendorFake): string {
  const request = fake.requests.at(-1);
  if (!request) throw new Error('the fake took no request');
  return request.headers['content-type']?.includes('x-www-form-urlencoded') ? [...new URLSearchParams(request.body).values()].join('\n') : request.body;
}

let tenants = 0;

describe.each(DIALECTS)('integrated providers end to end: Management API → MFA API → vendor (%s)', (dialect) => {
  const ctx = useTestContext(dialect, { providerBaseUrls: baseUrls });

  it.each(VENDORS.map((v) => [v.definition.id, v] as const))('%s: enrolment and challenge codes arrive through the vendor', async (_id, vendor) => {
    const fake = fakes.get(vendor.definition.id)!;
    const tenant: Tenant = await ctx().services.tenants.create({ name: `integrated-${process.pid}-${++tenants}` });
    await enablePhoneFactor(ctx(), { messageTypes: ['sms'] }, tenant);
    const admin = await createAdminApplication(ctx().services, tenant);
    const token = await managementToken(ctx(), admin, { tenant });
    const created = await ctx().app.inject({
      method: 'POST',
      url: '/api/v2/branding/phone/providers',
      headers: { host: tenant.domain, authorization: `Bearer ${token}` },
      payload: { name: vendor.definition.id, configuration: vendor.configuration },
    });
    expect(created.statusCode, created.body).toBe(201);
    for (const field of vendor.definition.fields.filter((f) => f.secret)) {
      expect(created.body).not.toContain(String(vendor.configuration[field.name]));
    }

    const actors = await mfaActors(ctx(), tenant);
    const before = fake.requests.length;
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeIn(lastText(fake)));
    expect(fake.requests.length).toBe(before + 1);
    expect(fake.requests.at(-1)!.answered).toBeLessThan(300);

    const { mfaToken, response } = await challengeIn(ctx(), tenant, actors);
    expect(response.statusCode, response.body).toBe(200);
    expect(fake.requests.length).toBe(before + 2);
    const code = codeIn(lastText(fake));
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, response.json().oob_code, code, tenant)).statusCode).toBe(200);

    const rows = await ledger(ctx(), tenant);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ provider: vendor.definition.id, channel: 'sms', country: 'US', status: expect.stringMatching(/^(accepted|queued|sent)$/) });
    expect(rows.every((row) => typeof row.provider_message_id === 'string' && row.provider_message_id.length > 0)).toBe(true);
  });
});
