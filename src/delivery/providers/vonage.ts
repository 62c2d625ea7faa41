/**
 * Vonage (formerly Nexmo) SMS API — `POST https://rest.nexmo.com/sms/json`, form-encoded, authenticated with
 * `api_key` / `api_secret` in the body (developer.vonage.com/en/api/sms, "Send an SMS"; the official Node SDK
 * `@vonage/sms` posts the same fields to `${restHost}/sms/json`). The answer is HTTP 200 with
 * `{"message-count": "1", "messages": [{"status": "0", "message-id": "…"}]}`; a failure is the same 200 with a
 * non-zero `status` and an `error-text` (developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms,
 * /en/api-errors/sms). Statuses are classified below from that table.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ProviderDefinition, SendOutcome } from '../kit.js';
import { type FailureKind, classifyHttpStatus, failureFor, field, firstOf, isFailure, member, parseJson, postToVendor, voiceRefused, withoutPlus } from './vendor-http.js';

const configSchema = Type.Object(
  {
    apiKey: Type.String({ minLength: 1, maxLength: 64, description: 'Vonage API key' }),
    apiSecret: Type.String({ minLength: 1, maxLength: 256, description: 'Vonage API secret' }),
    from: Type.String({ minLength: 1, maxLength: 15, pattern: '^(?:\\+?[0-9]{3,15}|[A-Za-z0-9 ]{1,11})$', description: 'Sender: a Vonage number or an alphanumeric sender ID (11 characters at most)' }),
  },
  { additionalProperties: false },
);
export type VonageConfig = Static<typeof configSchema>;

/** Vonage SMS API `status` → outcome class (the troubleshooting table; 0 is success). */
const STATUS_CLASS: Record<string, FailureKind> = {
  '1': 'transient', // Throttled
  '2': 'misconfigured', // Missing Parameters
  '3': 'permanent', // Invalid Parameters (the destination is the one value not checked by the config schema)
  '4': 'misconfigured', // Invalid Credentials
  '5': 'transient', // Internal Error
  '6': 'permanent', // Invalid Message: e.g. an unrecognised number prefix
  '7': 'permanent', // Number Barred
  '8': 'misconfigured', // Partner Account Barred
  '9': 'misconfigured', // Partner Quota Violation: no credit
  '10': 'transient', // Too Many Existing Binds
  '11': 'misconfigured', // Account Not Enabled For HTTP
  '12': 'misconfigured', // Message Too Long: the template is too long
  '14': 'misconfigured', // Invalid Signature
  '15': 'misconfigured', // Invalid Sender Address
  '22': 'permanent', // Invalid Network Code
  '23': 'misconfigured', // Invalid Callback Url
  '29': 'misconfigured', // Non-Whitelisted Destination: a demo account may only send to its own test numbers
  '32': 'misconfigured', // Signature And API Secret Disallowed
  '33': 'permanent', // Number De-activated
};

/** Text outside 7-bit ASCII is sent as `type=unicode`, or Vonage replaces it (Japanese would arrive as "?"). */
const NEEDS_UNICODE = /[^\x00-\x7f]/;

export const vonage: ProviderDefinition<typeof configSchema> = {
  id: 'vonage',
  displayName: { en: 'Vonage (SMS API)', ja: 'Vonage（SMS API）' },
  channels: ['sms'],
  configSchema,
  fields: [
    { name: 'apiKey', label: { en: 'API key', ja: 'API キー' }, secret: false, required: true },
    { name: 'apiSecret', label: { en: 'API secret', ja: 'API シークレット' }, secret: true, required: true },
    {
      name: 'from',
      label: { en: 'Sender', ja: '送信元' },
      description: { en: 'A Vonage number or an alphanumeric sender ID (up to 11 characters)', ja: 'Vonage の電話番号、または英数字の送信者 ID（11 文字まで）' },
      secret: false,
      required: true,
    },
  ],
  defaultBaseUrl: 'https://rest.nexmo.com',
  baseUrlSetting: 'GUARDLINE_VONAGE_BASE_URL',
  receipts: false,
  create(config, runtime) {
    return {
      async send(message, { signal }): Promise<SendOutcome> {
        const fail = failureFor(message, [config.apiSecret]);
        if (message.channel !== 'sms') return voiceRefused('Vonage', fail);
        const form = new URLSearchParams({
          api_key: config.apiKey,
          api_secret: config.apiSecret,
          from: config.from,
          to: withoutPlus(message.to),
          text: message.text,
        });
        if (NEEDS_UNICODE.test(message.text)) form.set('type', 'unicode');
        const answer = await postToVendor(
          runtime,
          {
            vendor: 'Vonage',
            url: `${runtime.baseUrl}/sms/json`,
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
          },
          signal,
          fail,
        );
        if (isFailure(answer)) return answer;
        const first = firstOf(member(parseJson(answer.text), 'messages'));
        const status = field(first, 'status');
        if (answer.status !== 200 || status === undefined) {
          return fail(classifyHttpStatus(answer.status === 200 ? 502 : answer.status), String(answer.status), `Vonage answered HTTP ${answer.status} without a message status`, answer.status);
        }
        if (status === '0') {
          const id = field(first, 'message-id');
          if (id) return { kind: 'delivered-to-provider', messageId: id, status: 'accepted' };
          return fail('transient', 'malformed_response', 'Vonage accepted the message but sent no message-id', answer.status);
        }
        const text = field(first, 'error-text') ?? `status ${status}`;
        return fail(STATUS_CLASS[status] ?? 'transient', status, `Vonage refused the message: ${text}`, answer.status);
      },
    };
  },
};
