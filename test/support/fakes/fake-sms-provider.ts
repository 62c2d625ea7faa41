import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { MessageChannel } from '../../../src/domain/message-templates.js';
import type { DeliveryStatus, ProviderDefinition, SendOutcome } from '../../../src/delivery/kit.js';

/**
 * A test-only SMS/voice vendor: a loopback HTTP API that checks its requests strictly (Bearer API key, JSON body with
 * E.164 `to`, non-empty `text` and `from`, a known `channel`) and answers with its own error bodies, plus the
 * ProviderDefinition that speaks it. Injected into the registry through the test harness (`providers`), it drives the
 * delivery chain the way a real vendor would: it can be told to fail with a status, hang (never answer) or answer
 * slowly, and it posts signed delivery receipts on demand.
 *
 * API: `POST /v1/messages` → 201 `{id, status: "queued"}`; errors `{error: {code, message}}`: 401 `unauthorized`,
 * 400 `invalid_number` / `missing_field`, 429 `rate_limited`, 500 `internal`.
 * Receipts: `POST <callback_url>` JSON `{message_id, status}` signed with `X-Fake-Signature:
 * hex(HMAC-SHA256(api_key, url + "\n" + message_id + "\n" + status))`.
 */

export const FAKE_API_KEY = 'fake-sms-api-key-0123456789abcdef';

export type FakeBehaviour = { kind: 'fail'; status: number; code: string } | { kind: 'hang' } | { kind: 'slow'; ms: number };

export interface FakeSmsMessage {
  id: string;
  to: string;
  from: string;
  text: string;
  channel: MessageChannel;
  callbackUrl: string | undefined;
}

export interface FakeSmsApi {
  readonly url: string;
  readonly messages: FakeSmsMessage[];
  /** Every request that reached the fake, with its answer (0 = never answered). */
  readonly requests: Array<{ status: number; code?: string }>;
  /** The next `count` requests behave like this (default: every request from now on until `reset`). */
  next(behaviour: FakeBehaviour, count?: number): void;
  reset(): void;
  /** Answers every request held by `hang` with 503 `internal` (so a test decides when a hung provider gives up). */
  releaseHung(): void;
  /** Posts a signed receipt for `messageId` to the callback URL it was sent with, through `deliver` (e.g. app.inject). */
  receipt(messageId: string, status: string, options?: { apiKey?: string }): { url: string; headers: Record<string, string>; body: { message_id: string; status: string } };
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{1,14}$/;

export const receiptSignature = (apiKey: string, url: string, messageId: string, status: string) =>
  createHmac('sha256', apiKey).update(`${url}\n${messageId}\n${status}`).digest('hex');

export async function startFakeSmsApi(options: { apiKey?: string } = {}): Promise<FakeSmsApi> {
  const apiKey = options.apiKey ?? FAKE_API_KEY;
  const messages: FakeSmsMessage[] = [];
  const requests: FakeSmsApi['requests'] = [];
  let queue: FakeBehaviour[] = [];
  let sticky: FakeBehaviour | undefined;
  const hung: ServerResponse[] = [];

  const answer = (response: ServerResponse, status: number, payload: unknown, code?: string) => {
    requests.push({ status, ...(code ? { code } : {}) });
    const text = JSON.stringify(payload);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
  const error = (response: ServerResponse, status: number, code: string, message: string) => answer(response, status, { error: { code, message } }, code);

  function handle(request: IncomingMessage, response: ServerResponse, raw: string) {
    if (request.method !== 'POST' || request.url !== '/v1/messages') return error(response, 404, 'not_found', `No route ${request.method} ${request.url}`);
    if (request.headers.authorization !== `Bearer ${apiKey}`) return error(response, 401, 'unauthorized', 'Invalid API key');
    if ((request.headers['content-type'] ?? '').split(';')[0] !== 'application/json') return error(response, 415, 'unsupported_media_type', 'Send JSON');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return error(response, 400, 'malformed', 'Body is not JSON');
    }
    const unknown = Object.keys(body).find((k) => !['to', 'from', 'text', 'channel', 'callback_url'].includes(k));
    if (unknown) return error(response, 400, 'unknown_field', `Unknown field ${unknown}`);
    for (const field of ['to', 'from', 'text', 'channel']) {
      if (typeof body[field] !== 'string' || body[field] === '') return error(response, 400, 'missing_field', `${field} is required`);
    }
    if (!E164.test(body.to as string)) return error(response, 400, 'invalid_number', 'to is not an E.164 number');
    if (body.channel !== 'sms' && body.channel !== 'voice') return error(response, 400, 'invalid_channel', 'channel must be sms or voice');
    if (body.callback_url !== undefined && typeof body.callback_url !== 'string') return error(response, 400, 'invalid_callback', 'callback_url must be a string');
    const id = `fm_${randomBytes(8).toString('hex')}`;
    messages.push({ id, to: body.to as string, from: body.from as string, text: body.text as string, channel: body.channel, callbackUrl: body.callback_url as string | undefined });
    answer(response, 201, { id, status: 'queued' });
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const behaviour = queue.shift() ?? sticky;
      const raw = Buffer.concat(chunks).toString('utf8');
      if (behaviour?.kind === 'hang') {
        requests.push({ status: 0 });
        return void hung.push(response);
      }
      if (behaviour?.kind === 'fail') return error(response, behaviour.status, behaviour.code, `Told to fail with ${behaviour.status}`);
      if (behaviour?.kind === 'slow') return void setTimeout(() => handle(request, response, raw), behaviour.ms);
      handle(request, response, raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    next(behaviour, count) {
      if (count === undefined) sticky = behaviour;
      else for (let i = 0; i < count; i++) queue.push(behaviour);
    },
    reset() {
      queue = [];
      sticky = undefined;
    },
    releaseHung() {
      for (const response of hung.splice(0)) if (!response.writableEnded && !response.destroyed) error(response, 503, 'internal', 'Released after hanging');
    },
    receipt(messageId, status, opts = {}) {
      const message = messages.find((m) => m.id === messageId);
      if (!message?.callbackUrl) throw new Error(`message ${messageId} was sent without a callback URL`);
      return {
        url: message.callbackUrl,
        headers: { 'content-type': 'application/json', 'x-fake-signature': receiptSignature(opts.apiKey ?? apiKey, message.callbackUrl, messageId, status) },
        body: { message_id: messageId, status },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FakeConfig = Type.Object({ api_key: Type.String({ minLength: 8 }), from: Type.String({ minLength: 1, maxLength: 16 }) }, { additionalProperties: false });

const STATUSES: readonly DeliveryStatus[] = ['queued', 'sent', 'delivered', 'undelivered', 'failed'];

/** The definition of the fake vendor, under registry id `id` (two ids make a two-vendor chain). */
export function fakeSmsProvider(id: string, options: { channels?: MessageChannel[] } = {}): ProviderDefinition<typeof FakeConfig> {
  const setting = `GUARDLINE_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BASE_URL`;
  return {
    id,
    displayName: { en: `Fake vendor ${id}`, ja: `テスト用プロバイダー ${id}` },
    channels: options.channels ?? ['sms', 'voice'],
    configSchema: FakeConfig,
    fields: [
      { name: 'api_key', label: { en: 'API key', ja: 'API キー' }, secret: true, required: true },
      { name: 'from', label: { en: 'Sender', ja: '送信元' }, secret: false, required: true },
    ],
    defaultBaseUrl: 'http://127.0.0.1:9',
    baseUrlSetting: setting,
    receipts: true,
    create(config, runtime) {
      return {
        async send(message, { signal }): Promise<SendOutcome> {
          let response: Response;
          try {
            response = await runtime.fetch(`${runtime.baseUrl}/v1/messages`, {
              method: 'POST',
              headers: { authorization: `Bearer ${config.api_key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ to: message.to, from: config.from, text: message.text, channel: message.channel, ...(message.statusCallbackUrl ? { callback_url: message.statusCallbackUrl } : {}) }),
              signal,
            });
          } catch (err) {
            return { kind: 'transient', error: { errorCode: signal.aborted ? 'timeout' : 'unreachable', message: `fake vendor unreachable: ${(err as Error).message}` } };
          }
          const payload = (await response.json().catch(() => ({}))) as { id?: string; error?: { code: string; message: string } };
          if (response.status === 201 && payload.id) return { kind: 'delivered-to-provider', messageId: payload.id, status: 'queued' };
          const error = { errorCode: payload.error?.code ?? String(response.status), message: payload.error?.message ?? `HTTP ${response.status}`, httpStatus: response.status };
          if (response.status === 429 || response.status >= 500) return { kind: 'transient', error };
          if (response.status === 401 || response.status === 403) return { kind: 'misconfigured', error };
          return { kind: 'permanent', error };
        },
        parseReceipt(request) {
          const messageId = request.body.message_id;
          const status = request.body.status;
          const signature = request.headers['x-fake-signature'];
          if (!signature) return { ok: false, reason: 'unauthenticated', message: 'X-Fake-Signature is missing' };
          if (typeof messageId !== 'string' || typeof status !== 'string') return { ok: false, reason: 'malformed', message: 'message_id and status are required' };
          const expected = Buffer.from(receiptSignature(config.api_key, request.url, messageId, status));
          const given = Buffer.from(signature);
          if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'unauthenticated', message: 'X-Fake-Signature does not match' };
          if (!STATUSES.includes(status as DeliveryStatus)) return { ok: false, reason: 'malformed', message: `unknown status ${status}` };
          return { ok: true, messageId, status: status as DeliveryStatus };
        },
      };
    },
  };
}
