import { randomBytes } from 'node:crypto';
import { basicCredentials, type FakeReply, type FakeRequest, json, startVendorFake, strictForm, UNROUTABLE_PREFIX, type VendorFake } from './vendor-fake.js';

/**
 * A loopback stand-in for Telesign's Messaging API (`POST /v1/messaging`), as strict as the real one: HTTP Basic
 * with Customer ID : API key (401 with error −30000 "Invalid Customer ID" / −30015 "Invalid API Key", status 501
 * "Not authorized"); a form body with `phone_number`, `message`, `message_type` (400, status 12000/12009/12017
 * "Missing Required Parameter …"); `message_type` one of OTP/ARN/MKT (11017); `phone_number` digits with the
 * country code (11000 invalid value, 11001 invalid country code). Accepted messages answer 200 with status 290
 * "Message in progress" and a 32-hex `reference_id`.
 */

export const TELESIGN_CUSTOMER_ID = 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890';
export const TELESIGN_API_KEY = 'EXAMPLE----ABC1234/TelesignKey/base64==';

export interface FakeTelesign extends VendorFake {
  readonly messages: Array<{ messageId: string; to: string; text: string; messageType: string; senderId: string | undefined }>;
}

const now = () => new Date().toISOString();
const referenceId = () => randomBytes(16).toString('hex').toUpperCase();

export const telesignAnswer = (httpStatus: number, statusCode: number, description: string, errors: Array<{ code: number; description: string }> = []): FakeReply =>
  json(httpStatus, { reference_id: referenceId(), status: { code: statusCode, description, updated_on: now() }, errors });

export async function startFakeTelesign(): Promise<FakeTelesign> {
  const messages: FakeTelesign['messages'] = [];

  function handle(request: FakeRequest): FakeReply {
    if (request.method !== 'POST' || request.path !== '/v1/messaging') return telesignAnswer(404, 10001, 'Not Found');
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials) return telesignAnswer(401, 501, 'Not authorized', [{ code: -30004, description: "Missing required 'Authorization' header" }]);
    if (credentials.user !== TELESIGN_CUSTOMER_ID) return telesignAnswer(401, 501, 'Not authorized', [{ code: -30000, description: 'Invalid Customer ID.' }]);
    if (credentials.password !== TELESIGN_API_KEY) return telesignAnswer(401, 501, 'Not authorized', [{ code: -30015, description: 'Invalid API Key.' }]);
    const form = strictForm(request);
    if (typeof form === 'string') return telesignAnswer(400, 12000, 'Missing Required Parameter phone_number');
    const phone = form.get('phone_number');
    const text = form.get('message');
    const type = form.get('message_type');
    if (!phone) return telesignAnswer(400, 12000, 'Missing Required Parameter phone_number');
    if (!text) return telesignAnswer(400, 12009, 'Missing Required Parameter message');
    if (!type) return telesignAnswer(400, 12017, 'Missing Required Parameter message_type');
    if (!['OTP', 'ARN', 'MKT'].includes(type)) return telesignAnswer(400, 11017, 'Invalid value for parameter message_type.');
    if (!/^[1-9]\d{6,14}$/.test(phone)) return telesignAnswer(400, 11000, 'Invalid value for parameter phone_number.');
    if (phone.startsWith(UNROUTABLE_PREFIX.slice(1))) return telesignAnswer(400, 11001, 'Invalid country code for parameter phone_number.');
    const id = referenceId();
    messages.push({ messageId: id, to: phone, text, messageType: type, senderId: form.get('sender_id') });
    return json(200, { reference_id: id, status: { code: 290, description: 'Message in progress', updated_on: now() }, additional_info: { message_parts_count: 1 } });
  }

  const fake = await startVendorFake({
    handle,
    serverError: () => telesignAnswer(503, 503, 'System Unavailable', [{ code: -90001, description: 'System Unavailable, please try again later.' }]),
    failedStatus: () => telesignAnswer(200, 230, 'Message blocked by Telesign'),
  });
  return Object.assign(fake, { messages });
}
