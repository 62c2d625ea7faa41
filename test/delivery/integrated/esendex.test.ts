import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { esendex } from '../../../src/delivery/providers/esendex.js';
import { ESENDEX_ACCOUNT, ESENDEX_PASSWORD, ESENDEX_USERNAME, esendexError, type FakeEsendex, startFakeEsendex } from '../../support/fakes/esendex.js';
import { failureOf, instance, noBudget, otpMessage, providerContract } from './support.js';

const config = { accountReference: ESENDEX_ACCOUNT, username: ESENDEX_USERNAME, password: ESENDEX_PASSWORD };
const WRONG_PASSWORD = 'WrongEsendexPassword-99';

describe('esendex: contract', () => {
  providerContract({
    definition: esendex,
    secretFields: ['password'],
    config,
    wrongCredentials: { ...config, password: WRONG_PASSWORD },
    secrets: [ESENDEX_PASSWORD, WRONG_PASSWORD],
    start: startFakeEsendex,
    recordedTo: (e164) => e164.slice(1),
    failedStatusKind: 'transient',
  });
});

describe('esendex: wire format and statuses', () => {
  let fake: FakeEsendex;
  beforeEach(async () => {
    fake = await startFakeEsendex();
  });
  afterEach(() => fake.close());

  it('dispatches an XML messages document; the id is the messageheader id; XML metacharacters survive', async () => {
    const text = '482913 <is> your "code" & more';
    const outcome = await instance(esendex, { ...config, from: 'Guardline' }, fake.url).send(otpMessage({ text }), noBudget());
    expect(fake.messages[0]).toMatchObject({ to: '447700900123', text, from: 'Guardline' });
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: fake.messages[0]!.messageId, status: 'accepted' });
  });

  it('an account reference the login may not use: misconfigured 403', async () => {
    const outcome = failureOf(await instance(esendex, { ...config, accountReference: 'EX9999999' }, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toMatchObject({ kind: 'misconfigured', error: { errorCode: '403', httpStatus: 403 } });
  });

  it('no message credits left: misconfigured 402', async () => {
    fake.setCredits(0);
    const outcome = failureOf(await instance(esendex, config, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toEqual({ kind: 'misconfigured', error: { errorCode: '402', message: 'Esendex refused the message: Payment Required: not enough message credits', httpStatus: 402 } });
  });

  it.each([
    [401, 'misconfigured'],
    [429, 'transient'],
    [503, 'transient'],
  ] as const)('HTTP %s → %s', async (status, kind) => {
    fake.failNext({ kind: 'reply', reply: esendexError(status, 'described') });
    expect(failureOf(await instance(esendex, config, fake.url).send(otpMessage(), noBudget())).kind).toBe(kind);
  });
});
