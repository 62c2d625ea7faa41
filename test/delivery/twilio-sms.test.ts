import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM, FAKE_MESSAGING_SERVICE_SID } from '../support/fakes/twilio-api.js';
import { budget, FROM_CONFIG, message, SERVICE_CONFIG, TO, useFakeTwilio } from './twilio-support.js';

/**
 * Twilio SMS through Programmable Messaging, against the strict loopback fake: the exact form Twilio gets (From or
 * MessagingServiceSid, StatusCallback), Basic auth, and what every kind of non-answer becomes.
 */

const twilio = useFakeTwilio();

describe('Twilio SMS', () => {
  it('sends with a From number: exactly To, Body, From, and the created message sid comes back', async () => {
    const outcome = await twilio.provider().send(message(), budget());
    const sent = twilio.fake.messages.at(-1)!;
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: sent.sid, status: 'queued' });
    expect(sent).toEqual({
      sid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      account_sid: FAKE_ACCOUNT_SID,
      to: TO,
      from: FAKE_FROM,
      messaging_service_sid: null,
      body: '123456 is your verification code for Acme',
      status: 'queued',
    });
    expect(twilio.fake.requests.at(-1)).toEqual({
      method: 'POST',
      path: `/2010-04-01/Accounts/${FAKE_ACCOUNT_SID}/Messages.json`,
      status: 201,
      form: { To: TO, Body: '123456 is your verification code for Acme', From: FAKE_FROM },
    });
  });

  it('sends through a Messaging Service, which wins over a From number kept for voice', async () => {
    for (const config of [SERVICE_CONFIG, { ...SERVICE_CONFIG, from: FAKE_FROM }]) {
      const outcome = await twilio.provider(config).send(message(), budget());
      expect(outcome).toMatchObject({ kind: 'delivered-to-provider', messageId: twilio.fake.messages.at(-1)!.sid });
      expect(twilio.fake.requests.at(-1)!.form).toEqual({ To: TO, Body: '123456 is your verification code for Acme', MessagingServiceSid: FAKE_MESSAGING_SERVICE_SID });
    }
  });

  it('asks for status callbacks at the URL the delivery service gives', async () => {
    const statusCallbackUrl = 'https://acme.example.com/receipts/twilio/prov_1?attempt=2';
    await twilio.provider().send(message({ statusCallbackUrl }), budget());
    expect(twilio.fake.requests.at(-1)!.form).toMatchObject({ StatusCallback: statusCallbackUrl });
  });

  it('sends Japanese text as UTF-8 unchanged', async () => {
    const text = 'Acmeの認証コードは123456です。';
    await twilio.provider().send(message({ text, locale: 'ja' }), budget());
    expect(twilio.fake.messages.at(-1)!.body).toBe(text);
  });

  it('refuses to send without any sender, before calling Twilio', async () => {
    const requests = twilio.fake.requests.length;
    const outcome = await twilio.provider({ sid: FAKE_ACCOUNT_SID, auth_token: FAKE_AUTH_TOKEN }).send(message(), budget());
    expect(outcome).toEqual({ kind: 'misconfigured', error: { errorCode: 'no_sender', message: expect.stringContaining('From number or Messaging Service') } });
    expect(twilio.fake.requests).toHaveLength(requests);
  });

  it('a wrong auth token is misconfigured, with Twilio 20003 and never the token', async () => {
    const token = 'wrong-token-0123456789abcdef';
    const outcome = await twilio.provider({ ...FROM_CONFIG, auth_token: token }).send(message(), budget());
    expect(outcome).toEqual({ kind: 'misconfigured', error: { errorCode: '20003', message: 'Authenticate', httpStatus: 401 } });
    expect(JSON.stringify(outcome)).not.toContain(token);
    expect(twilio.fake.requests.at(-1)).toMatchObject({ status: 401, code: 20003 });
  });

  it("masks the numbers Twilio's messages repeat", async () => {
    const outcome = await twilio.provider().send(message({ to: '5551234567' }), budget());
    expect(outcome).toEqual({ kind: 'permanent', error: { errorCode: '21211', message: "The 'To' number XXXXXX4567 is not a valid phone number.", httpStatus: 400 } });
  });
});

describe('Twilio SMS when Twilio does not accept', () => {
  it.each([
    ['http500', 'transient', '20500', 500],
    ['http503', 'transient', '20503', 503],
    ['http429', 'transient', '20429', 429],
  ] as const)('%s is %s', async (failure, kind, errorCode, httpStatus) => {
    twilio.fake.failNext(failure);
    expect(await twilio.provider().send(message(), budget())).toEqual({ kind, error: { errorCode, message: expect.any(String), httpStatus } });
  });

  it('a 429 without a known code is transient; an unknown 4xx is misconfigured; an unknown 5xx is transient', async () => {
    twilio.fake.failNext({ code: 99901, status: 429 });
    twilio.fake.failNext({ code: 99902, status: 400, message: 'Something new' });
    twilio.fake.failNext({ code: 99903, status: 502 });
    expect(await twilio.provider().send(message(), budget())).toMatchObject({ kind: 'transient', error: { errorCode: '99901', httpStatus: 429 } });
    expect(await twilio.provider().send(message(), budget())).toEqual({ kind: 'misconfigured', error: { errorCode: '99902', message: 'Something new', httpStatus: 400 } });
    expect(await twilio.provider().send(message(), budget())).toMatchObject({ kind: 'transient', error: { errorCode: '99903', httpStatus: 502 } });
  });

  it('a 201 that is already failed is classified by its error code', async () => {
    twilio.fake.failNext({ failedWith: 21610 });
    expect(await twilio.provider().send(message(), budget())).toEqual({
      kind: 'permanent',
      error: { errorCode: '21610', message: 'Message failed with error 21610.', httpStatus: 201 },
    });
  });

  it('a 2xx that is not a Twilio resource is transient (a wrong base URL or a proxy page)', async () => {
    const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const outcome = await twilio.provider(FROM_CONFIG, `http://127.0.0.1:${(server.address() as AddressInfo).port}`).send(message(), budget());
      expect(outcome).toEqual({ kind: 'transient', error: { errorCode: 'invalid_response', message: 'Twilio answered HTTP 200 without a message sid.', httpStatus: 200 } });
    } finally {
      server.close();
    }
  });

  it('a dropped connection is transient (unreachable)', async () => {
    twilio.fake.failNext('close');
    expect(await twilio.provider().send(message(), budget())).toEqual({ kind: 'transient', error: { errorCode: 'unreachable', message: expect.stringContaining('could not be reached') } });
  });

  it('a refused connection is transient (unreachable)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const outcome = await twilio.provider(FROM_CONFIG, `http://127.0.0.1:${port}`).send(message(), budget());
    expect(outcome).toEqual({ kind: 'transient', error: { errorCode: 'unreachable', message: 'Twilio could not be reached: fetch failed (ECONNREFUSED)' } });
  });

  it('an abort at the time budget while Twilio never answers is a transient timeout', async () => {
    twilio.fake.failNext('hang');
    const requests = twilio.fake.requests.length;
    const budgetController = new AbortController();
    const pending = twilio.provider().send(message(), { signal: budgetController.signal });
    await vi.waitFor(() => expect(twilio.fake.requests).toHaveLength(requests + 1));
    budgetController.abort();
    expect(await pending).toEqual({ kind: 'transient', error: { errorCode: 'timeout', message: 'Twilio did not answer within the send time budget.' } });
  });

  it('a slow answer within the budget is a success', async () => {
    twilio.fake.failNext({ delayMs: 100 });
    expect(await twilio.provider().send(message(), budget())).toMatchObject({ kind: 'delivered-to-provider', messageId: twilio.fake.messages.at(-1)?.sid });
  });
});
