import { randomBytes } from 'node:crypto';
import { basicCredentials, json, startVendorFake, strictForm, type FakeReply, type FakeRequest, type VendorFake } from './vendor-fake.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN } from './twilio-api.js';

/**
 * A loopback stand-in for Twilio Verify's "Start a verification" (`POST /v2/Services/{ServiceSid}/Verifications`), as
 * strict as Twilio: HTTP Basic with AccountSid:AuthToken (401, 20003), a known service (404, 20404), a form body with
 * `To` in E.164 (400, 60200), `Channel` ∈ sms/call/email/whatsapp/sna (400, 60200), an optional 4–10 digit
 * `CustomCode` — refused (60204 "Custom code not allowed") unless the service enables custom codes — and no
 * unknown parameters. Answers 201 with Twilio's verification resource (snake_case), status `pending`.
 */

export const FAKE_VERIFY_SERVICE_SID = `VA${'0123456789abcdef'.repeat(2)}`;
/** A service without "Enable Custom Verification Code". */
export const FAKE_VERIFY_SERVICE_NO_CUSTOM_CODE = `VA${'fedcba9876543210'.repeat(2)}`;

const E164 = /^\+[1-9]\d{1,14}$/;
const CHANNELS = new Set(['sms', 'call', 'email', 'whatsapp', 'sna']);
const KNOWN = new Set(['To', 'Channel', 'CustomCode', 'Locale', 'CustomFriendlyName', 'CustomMessage', 'SendDigits', 'Amount', 'Payee', 'RateLimits', 'ChannelConfiguration', 'AppHash', 'TemplateSid', 'TemplateCustomSubstitutions', 'DeviceIp', 'RiskCheck', 'Tags']);

export interface FakeVerification {
  sid: string;
  service_sid: string;
  to: string;
  channel: string;
  custom_code: string | undefined;
  locale: string | undefined;
}

export interface FakeTwilioVerify extends VendorFake {
  readonly verifications: FakeVerification[];
}

const twilioError = (status: number, code: number, message: string): FakeReply => json(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

export async function startFakeTwilioVerify(): Promise<FakeTwilioVerify> {
  const verifications: FakeVerification[] = [];
  const handle = (request: FakeRequest): FakeReply => {
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials || credentials.user !== FAKE_ACCOUNT_SID || credentials.password !== FAKE_AUTH_TOKEN) return twilioError(401, 20003, 'Authenticate');
    const match = /^\/v2\/Services\/([^/]+)\/Verifications$/.exec(request.path);
    if (!match) return twilioError(404, 20404, 'The requested resource was not found');
    if (request.method !== 'POST') return twilioError(405, 20004, 'Method not allowed');
    const service = match[1]!;
    if (service !== FAKE_VERIFY_SERVICE_SID && service !== FAKE_VERIFY_SERVICE_NO_CUSTOM_CODE) return twilioError(404, 20404, `The requested resource /Services/${service} was not found`);
    const form = strictForm(request);
    if (typeof form === 'string') return twilioError(400, 60200, form);
    const unknown = [...form.keys()].find((k) => !KNOWN.has(k));
    if (unknown) return twilioError(400, 60200, `Invalid parameter: ${unknown}`);
    const to = form.get('To');
    if (!to || !E164.test(to)) return twilioError(400, 60200, 'Invalid parameter `To`');
    const channel = form.get('Channel');
    if (!channel || !CHANNELS.has(channel)) return twilioError(400, 60200, 'Invalid parameter `Channel`');
    const customCode = form.get('CustomCode');
    if (customCode !== undefined) {
      if (service === FAKE_VERIFY_SERVICE_NO_CUSTOM_CODE) return twilioError(403, 60204, 'Custom code not allowed');
      if (!/^\d{4,10}$/.test(customCode)) return twilioError(400, 60200, 'Invalid parameter `CustomCode`');
    }
    const sid = `VE${randomBytes(16).toString('hex')}`;
    verifications.push({ sid, service_sid: service, to, channel, custom_code: customCode, locale: form.get('Locale') });
    const now = new Date().toISOString();
    return json(201, {
      sid,
      service_sid: service,
      account_sid: FAKE_ACCOUNT_SID,
      to,
      channel,
      status: 'pending',
      valid: false,
      date_created: now,
      date_updated: now,
      lookup: {},
      amount: null,
      payee: null,
      send_code_attempts: [{ time: now, channel: channel.toUpperCase(), attempt_sid: `VL${randomBytes(16).toString('hex')}` }],
      url: `https://verify.twilio.com/v2/Services/${service}/Verifications/${sid}`,
    });
  };
  const fake = await startVendorFake({
    handle,
    serverError: () => twilioError(500, 20500, 'Internal Server Error'),
    failedStatus: (request) => handle(request),
  });
  return Object.assign(fake, { verifications });
}
