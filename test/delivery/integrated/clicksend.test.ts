import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clicksend } from '../../../src/delivery/providers/clicksend.js';
import { CLICKSEND_API_KEY, CLICKSEND_USERNAME, clicksendError, clicksendMessageStatus, type FakeClickSend, startFakeClickSend } from '../../support/fakes/clicksend.js';
import { failureOf, instance, noBudget, otpMessage, providerContract } from './support.js';

const config = { username: CLICKSEND_USERNAME, apiKey: CLICKSEND_API_KEY };
const WRONG_KEY = '00000000-WRONG-KEY-0000-000000000000';

describe('clicksend: contract', () => {
  providerContract({
    definition: clicksend,
    secretFields: ['apiKey'],
    config,
    wrongCredentials: { ...config, apiKey: WRONG_KEY },
    secrets: [CLICKSEND_API_KEY, WRONG_KEY],
    start: startFakeClickSend,
    recordedTo: (e164) => e164,
    failedStatusKind: 'misconfigured',
  });
});

describe('clicksend: wire format and statuses', () => {
  let fake: FakeClickSend;
  beforeEach(async () => {
    fake = await startFakeClickSend();
  });
  afterEach(() => fake.close());

  it('posts messages[0] with source, body, to (+E.164) and from when configured; the id is data.messages[0].message_id', async () => {
    const outcome = await instance(clicksend, { ...config, from: 'Guardline' }, fake.url).send(otpMessage(), noBudget());
    expect(fake.messages[0]).toMatchObject({ to: '+447700900123', from: 'Guardline', source: 'guardline' });
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: fake.messages[0]!.messageId, status: 'queued' });
  });

  it.each([
    ['INVALID_RECIPIENT', 'permanent'],
    ['INSUFFICIENT_CREDIT', 'misconfigured'],
    ['INVALID_RETURN_ADDRESS', 'misconfigured'],
    ['MISSING_REQUIRED_FIELDS', 'misconfigured'],
    ['SOME_FUTURE_STATUS', 'transient'],
  ] as const)('200 with message status %s → %s', async (status, kind) => {
    fake.failNext({ kind: 'reply', reply: clicksendMessageStatus('+447700900123', status) });
    const outcome = failureOf(await instance(clicksend, config, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toEqual({ kind, error: { errorCode: status, message: `ClickSend did not queue the message: ${status}`, httpStatus: 200 } });
  });

  it.each([
    [401, 'UNAUTHORIZED', 'misconfigured'],
    [403, 'FORBIDDEN', 'misconfigured'],
    [400, 'BAD_REQUEST', 'misconfigured'],
    [429, 'TOO_MANY_REQUESTS', 'transient'],
    [500, 'INTERNAL_SERVER_ERROR', 'transient'],
  ] as const)('HTTP %s %s → %s', async (status, code, kind) => {
    fake.failNext({ kind: 'reply', reply: clicksendError(status, code, 'described') });
    const outcome = failureOf(await instance(clicksend, config, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toEqual({ kind, error: { errorCode: code, message: 'ClickSend refused the request: described', httpStatus: status } });
  });
});
