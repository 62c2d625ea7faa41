/**
 * Telesign Messaging API (SMS) — `POST https://rest-ww.telesign.com/v1/messaging`, form-encoded, HTTP Basic with
 * Customer ID : API key (developer.telesign.com/enterprise/reference/sms; the official SDKs' `MessagingClient`
 * posts `phone_number`, `message`, `message_type`). The answer is JSON `{reference_id, status {code,
 * description, updated_on}, errors [{code, description}]}`; Telesign asks clients to code against `status.code`
 * and `errors[].code`, not the HTTP status ("Understand Telesign status and error codes"): 290 "Message in
 * progress" is the normal send answer; 11000/11001 invalid phone number; −30000… authentication. Delivery status
 * codes (2xx family) in a 200 answer that mean the message will not arrive are failures.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ProviderDefinition, SendOutcome } from '../kit.js';
import { type FailureKind, basicAuth, classifyHttpStatus, failureFor, field, firstOf, isFailure, member, parseJson, postToVendor, voiceRefused, withoutPlus } from './vendor-http.js';

const configSchema = Type.Object(
  {
    customerId: Type.String({ minLength: 1, maxLength: 64, description: 'Telesign Customer ID' }),
    apiKey: Type.String({ minLength: 1, maxLength: 256, description: 'Telesign API key' }),
    senderId: Type.Optional(Type.String({ minLength: 1, maxLength: 15, pattern: '^(?:\\+?[0-9]{3,15}|[A-Za-z0-9 ]{1,11})$', description: 'Sender ID, when Telesign enabled one for the account' })),
  },
  { additionalProperties: false },
);
export type TelesignConfig = Static<typeof configSchema>;

/** `status.code` values meaning Telesign took the message (intermediate or delivered). */
const ACCEPTED = new Set(['290', '291', '292', '295', '203', '200', '251']);

/** Telesign status codes → class, for answers that are not an acceptance. */
const STATUS_CLASS: Record<string, FailureKind> = {
  '11000': 'permanent', // Invalid value for parameter phone_number
  '11001': 'permanent', // Invalid country code for parameter phone_number
  '211': 'permanent', // Permanent phone error
  '220': 'permanent', // Gateway/network cannot route message
  '222': 'permanent', // SMS not supported by this phone, carrier, plan or user
  '229': 'permanent', // Message blocked by your request
  '230': 'permanent', // Message blocked by Telesign (global blocklist)
  '233': 'permanent', // Blocked due to high risk score
  '237': 'permanent', // Message blocked in requested country
  '238': 'permanent', // Destination blocked by prefix
  '231': 'misconfigured', // Invalid/unsupported message content
  '11009': 'misconfigured', // Invalid value for parameter message
  '11013': 'misconfigured', // Invalid value for parameter sender_id
  '11017': 'misconfigured', // Invalid value for parameter message_type
  '207': 'transient', // Error delivering to handset, reason unknown
  '210': 'transient', // Temporary phone error
  '221': 'transient', // Message expired before delivery
  '250': 'transient', // Final status unknown
};

export const telesign: ProviderDefinition<typeof configSchema> = {
  id: 'telesign',
  displayName: { en: 'Telesign', ja: 'Telesign' },
  channels: ['sms'],
  configSchema,
  fields: [
    { name: 'customerId', label: { en: 'Customer ID', ja: 'カスタマー ID' }, secret: false, required: true },
    { name: 'apiKey', label: { en: 'API key', ja: 'API キー' }, secret: true, required: true },
    {
      name: 'senderId',
      label: { en: 'Sender ID', ja: '送信者 ID' },
      description: { en: 'Optional; only when Telesign enabled custom sender IDs for the account', ja: '任意。Telesign がアカウントで送信者 ID を有効にしている場合のみ' },
      secret: false,
      required: false,
    },
  ],
  defaultBaseUrl: 'https://rest-ww.telesign.com',
  baseUrlSetting: 'GUARDLINE_TELESIGN_BASE_URL',
  receipts: false,
  create(config, runtime) {
    return {
      async send(message, { signal }): Promise<SendOutcome> {
        const fail = failureFor(message, [config.apiKey]);
        if (message.channel !== 'sms') return voiceRefused('Telesign', fail);
        const form = new URLSearchParams({ phone_number: withoutPlus(message.to), message: message.text, message_type: 'OTP' });
        if (config.senderId) form.set('sender_id', config.senderId);
        const answer = await postToVendor(
          runtime,
          {
            vendor: 'Telesign',
            url: `${runtime.baseUrl}/v1/messaging`,
            headers: { authorization: basicAuth(config.customerId, config.apiKey), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
          },
          signal,
          fail,
        );
        if (isFailure(answer)) return answer;
        const payload = parseJson(answer.text);
        const status = member(payload, 'status');
        const statusCode = field(status, 'code');
        const firstError = firstOf(member(payload, 'errors'));
        const errorCode = field(firstError, 'code');
        const description = field(firstError, 'description') ?? field(status, 'description') ?? `HTTP ${answer.status}`;
        const ok = answer.status >= 200 && answer.status < 300;
        const referenceId = field(payload, 'reference_id');
        if (ok && statusCode !== undefined && ACCEPTED.has(statusCode) && referenceId) {
          return { kind: 'delivered-to-provider', messageId: referenceId, status: statusCode === '200' ? 'delivered' : 'accepted' };
        }
        if (ok && statusCode === undefined) return fail('transient', 'malformed_response', 'Telesign answered without a status', answer.status);
        const code = statusCode ?? errorCode ?? String(answer.status);
        const known = (statusCode !== undefined ? STATUS_CLASS[statusCode] : undefined) ?? (errorCode !== undefined ? STATUS_CLASS[errorCode] : undefined);
        // Authentication (401, error codes −30000…) and anything else the HTTP status decides.
        const kind = answer.status === 401 ? 'misconfigured' : (known ?? (ok ? 'transient' : classifyHttpStatus(answer.status)));
        const detail = errorCode !== undefined && errorCode !== code ? ` (error ${errorCode})` : '';
        return fail(kind, code, `Telesign refused the message: ${description}${detail}`, answer.status);
      },
    };
  },
};
