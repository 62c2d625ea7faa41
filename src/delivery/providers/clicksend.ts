/**
 * ClickSend REST API v3 — `POST https://rest.clicksend.com/v3/sms/send`, JSON, HTTP Basic with API username :
 * API key (developers.clicksend.com/docs/messaging/sms "Send SMS"; the v3 API description on apiary). Body
 * `{"messages":[{"source","body","to","from"}]}` with `to` in international format with `+`. The answer is
 * `{"http_code","response_code","response_msg","data":{"messages":[{"message_id","status",…}]}}` — HTTP 200 even
 * when the one message was refused: its own `status` (SUCCESS, INVALID_RECIPIENT, INSUFFICIENT_CREDIT,
 * MISSING_REQUIRED_FIELDS, INVALID_RETURN_ADDRESS — help.clicksend.com "Post Application Status Codes") decides.
 * HTTP errors carry `response_code` UNAUTHORIZED, FORBIDDEN, BAD_REQUEST, TOO_MANY_REQUESTS, INTERNAL_SERVER_ERROR.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ProviderDefinition, SendOutcome } from '../kit.js';
import { type FailureKind, basicAuth, classifyHttpStatus, failureFor, field, firstOf, isFailure, member, parseJson, postToVendor, voiceRefused } from './vendor-http.js';

const configSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128, description: 'ClickSend API username' }),
    apiKey: Type.String({ minLength: 1, maxLength: 256, description: 'ClickSend API key' }),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 15, pattern: '^(?:\\+?[0-9]{3,15}|[A-Za-z0-9]{1,11})$', description: 'Sender ID; the account default sender when absent' })),
  },
  { additionalProperties: false },
);
export type ClickSendConfig = Static<typeof configSchema>;

/** Per-message `status` → class (SUCCESS is success). */
const STATUS_CLASS: Record<string, FailureKind> = {
  INVALID_RECIPIENT: 'permanent',
  INSUFFICIENT_CREDIT: 'misconfigured',
  MISSING_REQUIRED_FIELDS: 'misconfigured',
  INVALID_RETURN_ADDRESS: 'misconfigured',
};

export const clicksend: ProviderDefinition<typeof configSchema> = {
  id: 'clicksend',
  displayName: { en: 'ClickSend', ja: 'ClickSend' },
  channels: ['sms'],
  configSchema,
  fields: [
    { name: 'username', label: { en: 'API username', ja: 'API ユーザー名' }, secret: false, required: true },
    { name: 'apiKey', label: { en: 'API key', ja: 'API キー' }, secret: true, required: true },
    {
      name: 'from',
      label: { en: 'Sender', ja: '送信元' },
      description: { en: 'Optional; the account default sender is used when empty', ja: '任意。空の場合はアカウント既定の送信元を使います' },
      secret: false,
      required: false,
    },
  ],
  defaultBaseUrl: 'https://rest.clicksend.com',
  baseUrlSetting: 'GUARDLINE_CLICKSEND_BASE_URL',
  receipts: false,
  create(config, runtime) {
    return {
      async send(message, { signal }): Promise<SendOutcome> {
        const fail = failureFor(message, [config.apiKey]);
        if (message.channel !== 'sms') return voiceRefused('ClickSend', fail);
        const entry: Record<string, string> = { source: 'guardline', body: message.text, to: message.to };
        if (config.from) entry.from = config.from;
        const answer = await postToVendor(
          runtime,
          {
            vendor: 'ClickSend',
            url: `${runtime.baseUrl}/v3/sms/send`,
            headers: { authorization: basicAuth(config.username, config.apiKey), 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ messages: [entry] }),
          },
          signal,
          fail,
        );
        if (isFailure(answer)) return answer;
        const payload = parseJson(answer.text);
        const responseCode = field(payload, 'response_code') ?? String(answer.status);
        const responseMsg = field(payload, 'response_msg') ?? `HTTP ${answer.status}`;
        if (answer.status < 200 || answer.status >= 300) {
          return fail(classifyHttpStatus(answer.status), responseCode, `ClickSend refused the request: ${responseMsg}`, answer.status);
        }
        const first = firstOf(member(member(payload, 'data'), 'messages'));
        const status = field(first, 'status');
        if (status === 'SUCCESS') {
          const id = field(first, 'message_id');
          if (id) return { kind: 'delivered-to-provider', messageId: id, status: 'queued' };
          return fail('transient', 'malformed_response', 'ClickSend queued the message but sent no message_id', answer.status);
        }
        if (status === undefined) return fail('transient', 'malformed_response', `ClickSend answered ${responseCode} without a message status`, answer.status);
        return fail(STATUS_CLASS[status] ?? 'transient', status, `ClickSend did not queue the message: ${status}`, answer.status);
      },
    };
  },
};
