/**
 * Infobip SMS API v3 — `POST {base}/sms/3/messages`, JSON, `Authorization: App <API key>` (infobip.com/docs/api,
 * "Send SMS message"; the official infobip-api-java-client `SmsApi` and its `SmsRequest`/`SmsResponse` models).
 * Body `{"messages":[{"sender","destinations":[{"to"}],"content":{"text"}}]}`; the answer carries one entry per
 * destination with `messageId` and a `status {groupId, groupName, id, name, description}` — a REJECTED group in a
 * 200 answer is a failure. HTTP errors carry `{"requestError":{"serviceException":{"messageId","text"}}}`
 * (the client's `ApiException…sms` model). Status names are classified from Infobip's "Response status and error
 * codes" page.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ProviderDefinition, SendOutcome } from '../kit.js';
import { type FailureKind, classifyHttpStatus, failureFor, field, firstOf, isFailure, member, parseJson, postToVendor, voiceRefused, withoutPlus } from './vendor-http.js';

const configSchema = Type.Object(
  {
    apiKey: Type.String({ minLength: 1, maxLength: 256, description: 'Infobip API key' }),
    sender: Type.String({ minLength: 1, maxLength: 15, pattern: '^(?:\\+?[0-9]{3,15}|[A-Za-z0-9 ]{1,11})$', description: 'Sender: a number or an alphanumeric sender ID (11 characters at most)' }),
  },
  { additionalProperties: false },
);
export type InfobipConfig = Static<typeof configSchema>;

/** Status groups a send answer may carry (groupName): PENDING and DELIVERED mean Infobip took the message. */
const ACCEPTED_GROUPS = new Set(['PENDING', 'DELIVERED']);

/** REJECTED / UNDELIVERABLE / EXPIRED status names whose class is not `permanent` (the default for a refused destination). */
const STATUS_NAME_CLASS: Record<string, FailureKind> = {
  REJECTED_NOT_ENOUGH_CREDITS: 'misconfigured',
  REJECTED_PREPAID_PACKAGE_EXPIRED: 'misconfigured',
  REJECTED_SENDER: 'misconfigured',
  REJECTED_SOURCE: 'misconfigured',
  REJECTED_MESSAGE_TOO_LONG: 'misconfigured',
  REJECTED_INVALID_UDH: 'misconfigured',
  REJECTED_FLOODING_FILTER: 'transient',
  REJECTED_SYSTEM_ERROR: 'transient',
  REJECTED_ROUTE_NOT_AVAILABLE: 'transient',
  EXPIRED_EXPIRED: 'transient',
  EXPIRED_DLR_UNKNOWN: 'transient',
};

export const infobip: ProviderDefinition<typeof configSchema> = {
  id: 'infobip',
  displayName: { en: 'Infobip', ja: 'Infobip' },
  channels: ['sms'],
  configSchema,
  fields: [
    {
      name: 'apiKey',
      label: { en: 'API key', ja: 'API キー' },
      description: { en: 'An API key with the sms:message:send scope', ja: 'sms:message:send スコープを持つ API キー' },
      secret: true,
      required: true,
    },
    {
      name: 'sender',
      label: { en: 'Sender', ja: '送信元' },
      description: { en: 'A number or an alphanumeric sender ID registered with Infobip', ja: 'Infobip に登録した電話番号または英数字の送信者 ID' },
      secret: false,
      required: true,
    },
  ],
  defaultBaseUrl: 'https://api.infobip.com',
  baseUrlSetting: 'GUARDLINE_INFOBIP_BASE_URL',
  receipts: false,
  create(config, runtime) {
    return {
      async send(message, { signal }): Promise<SendOutcome> {
        const fail = failureFor(message, [config.apiKey]);
        if (message.channel !== 'sms') return voiceRefused('Infobip', fail);
        const answer = await postToVendor(
          runtime,
          {
            vendor: 'Infobip',
            url: `${runtime.baseUrl}/sms/3/messages`,
            headers: { authorization: `App ${config.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ messages: [{ sender: config.sender, destinations: [{ to: withoutPlus(message.to) }], content: { text: message.text } }] }),
          },
          signal,
          fail,
        );
        if (isFailure(answer)) return answer;
        const payload = parseJson(answer.text);
        if (answer.status < 200 || answer.status >= 300) {
          const exception = member(member(payload, 'requestError'), 'serviceException');
          const code = field(exception, 'messageId') ?? String(answer.status);
          const text = field(exception, 'text') ?? `HTTP ${answer.status}`;
          return fail(classifyHttpStatus(answer.status), code, `Infobip refused the request: ${text}`, answer.status);
        }
        const first = firstOf(member(payload, 'messages'));
        const status = member(first, 'status');
        const group = field(status, 'groupName');
        const name = field(status, 'name') ?? 'UNKNOWN';
        const id = field(first, 'messageId');
        if (group !== undefined && ACCEPTED_GROUPS.has(group) && id) {
          return { kind: 'delivered-to-provider', messageId: id, status: group === 'DELIVERED' ? 'sent' : 'accepted' };
        }
        if (group === undefined) return fail('transient', 'malformed_response', 'Infobip answered without a message status', answer.status);
        const description = field(status, 'description') ?? name;
        return fail(STATUS_NAME_CLASS[name] ?? 'permanent', name, `Infobip did not take the message (${group}): ${description}`, answer.status);
      },
    };
  },
};
