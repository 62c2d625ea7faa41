import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mitto } from '../../../src/delivery/providers/mitto.js';
import { type FakeMitto, MITTO_API_KEY, mittoAnswer, startFakeMitto } from '../../support/fakes/mitto.js';
import { failureOf, instance, noBudget, otpMessage, providerContract } from './support.js';

const config = { apiKey: MITTO_API_KEY, from: 'Guardline' };
const WRONG_KEY = 'MittoKey-wrong-00000000';

describe('mitto: contract', () => {
  providerContract({
    definition: mitto,
    secretFields: ['apiKey'],
    config,
    wrongCredentials: { ...config, apiKey: WRONG_KEY },
    secrets: [MITTO_API_KEY, WRONG_KEY],
    start: startFakeMitto,
    recordedTo: (e164) => e164.slice(1),
    failedStatusKind: 'transient',
  });
});

describe('mitto: wire format and response codes', () => {
  let fake: FakeMitto;
  beforeEach(async () => {
    fake = await startFakeMitto();
  });
  afterEach(() => fake.close());

  it('posts from, to (digits), text and type=Auto; the id is the answer id', async () => {
    const outcome = await instance(mitto, config, fake.url).send(otpMessage(), noBudget());
    expect(fake.messages[0]).toMatchObject({ from: 'Guardline', to: '447700900123', type: 'Auto' });
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: fake.messages[0]!.messageId, status: 'accepted' });
  });

  it.each([
    [200, 1, 'Internal error', 'transient'],
    [400, 4, 'Message text is invalid', 'misconfigured'],
    [400, 6, 'Invalid sender', 'misconfigured'],
    [400, 8, 'Invalid receiver', 'permanent'],
    [429, 1, 'Too many requests', 'transient'],
  ] as const)('HTTP %s responseCode %s (%s) → %s', async (status, code, text, kind) => {
    fake.failNext({ kind: 'reply', reply: mittoAnswer(status, code, text) });
    const outcome = failureOf(await instance(mitto, config, fake.url).send(otpMessage(), noBudget()));
    expect(outcome.kind).toBe(kind);
    expect(outcome.error).toMatchObject({ errorCode: String(code), httpStatus: status });
  });
});
