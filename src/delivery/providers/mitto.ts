/**
 * Mitto SMS API — `POST https://rest.mittoapi.net/sms`, JSON, `X-Mitto-API-Key` header (docs.mitto.ch/sms-api,
 * /sms-bulk-sms-api-reference, /sms-use-cases). Body `{"from","to","text","type"}` with `to` digits in E.164
 * without `+`; the answer is `{"id","timestamp","responseCode","textLength","responseText"}` where
 * `responseCode` 0 is "SMS sent" and 1–8 are the documented refusals (internal error, invalid type, empty or
 * invalid text, empty or invalid sender, empty or invalid receiver). Authentication is by key (and Mitto's IP
 * allow-list): a refused key is an HTTP 401/403.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ProviderDefinition, SendOutcome } from '../kit.js';
import { type FailureKind, classifyHttpStatus, failureFor, field, isFailure, parseJson, postToVendor, voiceRefused, withoutPlus } from './vendor-http.js';

const configSchema = Type.Object(
  {
    apiKey: Type.String({ minLength: 1, maxLength: 256, description: 'Mitto API key' }),
    from: Type.String({ minLength: 3, maxLength: 14, pattern: '^(?:[0-9]{3,14}|[A-Za-z0-9 ]{3,11})$', description: 'Sender: 3–11 alphanumeric characters or 3–14 digits' }),
  },
  { additionalProperties: false },
);
export type MittoConfig = Static<typeof configSchema>;

/** Mitto `responseCode` → class (0 is success). */
const RESPONSE_CLASS: Record<string, FailureKind> = {
  '1': 'transient', // Internal error
  '2': 'misconfigured', // Invalid type
  '3': 'misconfigured', // Empty message
  '4': 'misconfigured', // Message text is invalid for the encoding
  '5': 'misconfigured', // Empty sender
  '6': 'misconfigured', // Invalid sender
  '7': 'permanent', // Empty receiver
  '8': 'permanent', // Invalid receiver
};

export const mitto: ProviderDefinition<typeof configSchema> = {
  id: 'mitto',
  displayName: { en: 'Mitto', ja: 'Mitto' },
  channels: ['sms'],
  configSchema,
  fields: [
    { name: 'apiKey', label: { en: 'API key', ja: 'API キー' }, secret: true, required: true },
    {
      name: 'from',
      label: { en: 'Sender', ja: '送信元' },
      description: { en: '3–11 letters and digits, or a number of 3–14 digits', ja: '英数字 3〜11 文字、または 3〜14 桁の番号' },
      secret: false,
      required: true,
    },
  ],
  defaultBaseUrl: 'https://rest.mittoapi.net',
  baseUrlSetting: 'GUARDLINE_MITTO_BASE_URL',
  receipts: false,
  create(config, runtime) {
    return {
      async send(message, { signal }): Promise<SendOutcome> {
        const fail = failureFor(message, [config.apiKey]);
        if (message.channel !== 'sms') return voiceRefused('Mitto', fail);
        const answer = await postToVendor(
          runtime,
          {
            vendor: 'Mitto',
            url: `${runtime.baseUrl}/sms`,
            headers: { 'x-mitto-api-key': config.apiKey, 'content-type': 'application/json', accept: 'application/json' },
            // `Auto` lets Mitto pick GSM or Unicode from the text (Japanese needs Unicode).
            body: JSON.stringify({ from: config.from, to: withoutPlus(message.to), text: message.text, type: 'Auto' }),
          },
          signal,
          fail,
        );
        if (isFailure(answer)) return answer;
        const payload = parseJson(answer.text);
        const responseCode = field(payload, 'responseCode');
        const responseText = field(payload, 'responseText') ?? `HTTP ${answer.status}`;
        if (answer.status < 200 || answer.status >= 300) {
          const kind = responseCode !== undefined && RESPONSE_CLASS[responseCode] && answer.status < 500 ? RESPONSE_CLASS[responseCode]! : classifyHttpStatus(answer.status);
          return fail(kind, responseCode ?? String(answer.status), `Mitto refused the request: ${responseText}`, answer.status);
        }
        if (responseCode === '0') {
          const id = field(payload, 'id');
          if (id) return { kind: 'delivered-to-provider', messageId: id, status: 'accepted' };
          return fail('transient', 'malformed_response', 'Mitto accepted the message but sent no id', answer.status);
        }
        if (responseCode === undefined) return fail('transient', 'malformed_response', 'Mitto answered without a responseCode', answer.status);
        return fail(RESPONSE_CLASS[responseCode] ?? 'transient', responseCode, `Mitto refused the message: ${responseText}`, answer.status);
      },
    };
  },
};
