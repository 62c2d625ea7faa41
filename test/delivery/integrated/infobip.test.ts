import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { infobip } from '../../../src/delivery/providers/infobip.js';
import { type FakeInfobip, INFOBIP_API_KEY, infobipException, infobipStatus, startFakeInfobip } from '../../support/fakes/infobip.js';
import { failureOf, instance, noBudget, otpMessage, providerContract } from './support.js';

const config = { apiKey: INFOBIP_API_KEY, sender: 'Guardline' };
const WRONG_KEY = 'ffffffffffffffffffffffffffffffff-wrong';

describe('infobip: contract', () => {
  providerContract({
    definition: infobip,
    secretFields: ['apiKey'],
    config,
    wrongCredentials: { ...config, apiKey: WRONG_KEY },
    secrets: [INFOBIP_API_KEY, WRONG_KEY],
    start: startFakeInfobip,
    recordedTo: (e164) => e164.slice(1),
    failedStatusKind: 'misconfigured',
  });
});

describe('infobip: wire format and status table', () => {
  let fake: FakeInfobip;
  beforeEach(async () => {
    fake = await startFakeInfobip();
  });
  afterEach(() => fake.close());

  it('sends one message with sender, destination and content.text; the id is messages[0].messageId', async () => {
    const outcome = await instance(infobip, config, fake.url).send(otpMessage(), noBudget());
    expect(fake.messages).toEqual([{ messageId: expect.any(String), sender: 'Guardline', to: '447700900123', text: otpMessage().text }]);
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: fake.messages[0]!.messageId, status: 'accepted' });
  });

  it.each([
    [5, 'REJECTED', 14, 'REJECTED_DESTINATION', 'permanent'],
    [5, 'REJECTED', 10, 'REJECTED_DND', 'permanent'],
    [2, 'UNDELIVERABLE', 9, 'UNDELIVERABLE_NOT_DELIVERED', 'permanent'],
    [5, 'REJECTED', 12, 'REJECTED_NOT_ENOUGH_CREDITS', 'misconfigured'],
    [5, 'REJECTED', 13, 'REJECTED_SENDER', 'misconfigured'],
    [5, 'REJECTED', 20, 'REJECTED_FLOODING_FILTER', 'transient'],
    [5, 'REJECTED', 21, 'REJECTED_SYSTEM_ERROR', 'transient'],
    [4, 'EXPIRED', 15, 'EXPIRED_EXPIRED', 'transient'],
  ] as const)('200 with group %s %s, %s %s → %s', async (groupId, groupName, id, name, kind) => {
    fake.failNext({ kind: 'reply', reply: infobipStatus('447700900123', groupId, groupName, id, name, 'described') });
    const outcome = failureOf(await instance(infobip, config, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toEqual({ kind, error: { errorCode: name, message: `Infobip did not take the message (${groupName}): described`, httpStatus: 200 } });
  });

  it.each([
    [401, 'UNAUTHORIZED', 'Invalid login details', 'misconfigured'],
    [403, 'FORBIDDEN', 'Forbidden', 'misconfigured'],
    [400, 'BAD_REQUEST', 'Bad request', 'misconfigured'],
    [429, 'TOO_MANY_REQUESTS', 'Too many requests', 'transient'],
    [503, 'GENERAL_ERROR', 'Service unavailable', 'transient'],
  ] as const)('HTTP %s %s → %s', async (status, messageId, text, kind) => {
    fake.failNext({ kind: 'reply', reply: infobipException(status, messageId, text) });
    const outcome = failureOf(await instance(infobip, config, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toEqual({ kind, error: { errorCode: messageId, message: `Infobip refused the request: ${text}`, httpStatus: status } });
  });
});
