import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telesign } from '../../../src/delivery/providers/telesign.js';
import { type FakeTelesign, startFakeTelesign, TELESIGN_API_KEY, TELESIGN_CUSTOMER_ID, telesignAnswer } from '../../support/fakes/telesign.js';
import { failureOf, instance, noBudget, otpMessage, providerContract } from './support.js';

const config = { customerId: TELESIGN_CUSTOMER_ID, apiKey: TELESIGN_API_KEY };
const WRONG_KEY = 'WRONG----KEY0000/TelesignKey/base64==';

describe('telesign: contract', () => {
  providerContract({
    definition: telesign,
    secretFields: ['apiKey'],
    config,
    wrongCredentials: { ...config, apiKey: WRONG_KEY },
    secrets: [TELESIGN_API_KEY, WRONG_KEY],
    start: startFakeTelesign,
    recordedTo: (e164) => e164.slice(1),
    failedStatusKind: 'permanent',
  });
});

describe('telesign: wire format and status table', () => {
  let fake: FakeTelesign;
  beforeEach(async () => {
    fake = await startFakeTelesign();
  });
  afterEach(() => fake.close());

  it('posts phone_number, message and message_type=OTP (and sender_id when configured); the id is reference_id', async () => {
    const outcome = await instance(telesign, { ...config, senderId: 'Guardline' }, fake.url).send(otpMessage(), noBudget());
    expect(fake.messages[0]).toMatchObject({ to: '447700900123', messageType: 'OTP', senderId: 'Guardline' });
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: fake.messages[0]!.messageId, status: 'accepted' });
  });

  it('wrong customer id: misconfigured, with Telesign status and error code', async () => {
    const outcome = failureOf(await instance(telesign, { ...config, customerId: 'nobody' }, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toEqual({ kind: 'misconfigured', error: { errorCode: '501', message: 'Telesign refused the message: Invalid Customer ID. (error -30000)', httpStatus: 401 } });
  });

  it.each([
    [200, 211, 'Permanent phone error', 'permanent'],
    [200, 229, 'Message blocked by your request', 'permanent'],
    [200, 237, 'Message blocked in requested country', 'permanent'],
    [200, 231, 'Invalid/unsupported', 'misconfigured'],
    [200, 210, 'Temporary phone error', 'transient'],
    [400, 11000, 'Invalid value for parameter phone_number.', 'permanent'],
    [400, 11013, 'Invalid value for parameter sender_id.', 'misconfigured'],
    [429, 10019, 'Rate limit exceeded', 'transient'],
    [503, 503, 'System Unavailable', 'transient'],
  ] as const)('HTTP %s status %s (%s) → %s', async (httpStatus, code, description, kind) => {
    fake.failNext({ kind: 'reply', reply: telesignAnswer(httpStatus, code, description) });
    const outcome = failureOf(await instance(telesign, config, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toEqual({ kind, error: { errorCode: String(code), message: `Telesign refused the message: ${description}`, httpStatus } });
  });
});
