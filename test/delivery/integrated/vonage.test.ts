import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vonage } from '../../../src/delivery/providers/vonage.js';
import { type FakeVonage, startFakeVonage, VONAGE_API_KEY, VONAGE_API_SECRET, vonageStatus } from '../../support/fakes/vonage.js';
import { failureOf, instance, noBudget, otpMessage, providerContract } from './support.js';

const config = { apiKey: VONAGE_API_KEY, apiSecret: VONAGE_API_SECRET, from: 'Guardline' };

describe('vonage: contract', () => {
  providerContract({
    definition: vonage,
    secretFields: ['apiSecret'],
    config,
    wrongCredentials: { ...config, apiSecret: 'WrongSecret987654321' },
    secrets: [VONAGE_API_SECRET, 'WrongSecret987654321'],
    start: startFakeVonage,
    recordedTo: (e164) => e164.slice(1),
    failedStatusKind: 'misconfigured',
  });
});

describe('vonage: wire format and status table', () => {
  let fake: FakeVonage;
  beforeEach(async () => {
    fake = await startFakeVonage();
  });
  afterEach(() => fake.close());

  it('posts the form Vonage documents, with type=unicode only for non-ASCII text', async () => {
    await instance(vonage, config, fake.url).send(otpMessage(), noBudget());
    await instance(vonage, config, fake.url).send(otpMessage({ text: '482913 は確認コードです' }), noBudget());
    expect(fake.messages.map((m) => m.type)).toEqual(['text', 'unicode']);
    expect(fake.messages[0]).toMatchObject({ from: 'Guardline', to: '447700900123' });
  });

  it.each([
    ['1', 'Throttled', 'transient'],
    ['5', 'Internal Error', 'transient'],
    ['4', 'Bad Credentials', 'misconfigured'],
    ['8', 'Partner Account Barred', 'misconfigured'],
    ['9', 'Partner Quota Violation', 'misconfigured'],
    ['15', 'Illegal Sender Address - rejected', 'misconfigured'],
    ['29', 'Non White-listed Destination - rejected', 'misconfigured'],
    ['6', 'Unroutable message - rejected', 'permanent'],
    ['7', 'Number barred.', 'permanent'],
    ['33', 'Number De-activated', 'permanent'],
    ['99', 'Some future status', 'transient'],
  ] as const)('status %s (%s) → %s', async (status, text, kind) => {
    fake.failNext({ kind: 'reply', reply: vonageStatus(status, text) });
    const outcome = failureOf(await instance(vonage, config, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toEqual({ kind, error: { errorCode: status, message: `Vonage refused the message: ${text}`, httpStatus: 200 } });
  });
});
