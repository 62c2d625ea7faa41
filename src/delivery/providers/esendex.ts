/**
 * Esendex REST API v1.0 — `POST https://api.esendex.com/v1.0/messagedispatcher`, XML, HTTP Basic with the
 * account's username (login e-mail) and password or API password (developers.esendex.com "REST API", the official
 * esendex-go-sdk `send.go` / `client.go` and esendex-ruby-sdk). Body:
 * `<messages><accountreference>EX…</accountreference><message><to/><body/><from/></message></messages>`; the answer
 * is `<messageheaders batchid="…" xmlns="http://api.esendex.com/ns/"><messageheader uri="…" id="…"/></messageheaders>`.
 * Failures are told by HTTP status (support.esendex.co.uk "Common HTTP errors seen with our API"): 400 invalid or
 * malformed request, 401 missing authentication, 402 not enough message credits, 403 failed authentication or the
 * account reference not allowed; the body's text is kept for operators.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ProviderDefinition, SendOutcome } from '../kit.js';
import { basicAuth, classifyHttpStatus, escapeXml, failureFor, isFailure, postToVendor, voiceRefused, withoutPlus, xmlAttribute, xmlText } from './vendor-http.js';

const configSchema = Type.Object(
  {
    accountReference: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9]+$', description: 'Esendex account reference (EX…)' }),
    username: Type.String({ minLength: 1, maxLength: 254, description: 'Esendex login (e-mail address)' }),
    password: Type.String({ minLength: 1, maxLength: 256, description: 'Esendex password or API password' }),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 15, pattern: '^(?:\\+?[0-9]{3,15}|[A-Za-z0-9 ]{1,11})$', description: 'Sender; the account default when absent' })),
  },
  { additionalProperties: false },
);
export type EsendexConfig = Static<typeof configSchema>;

function dispatchXml(config: EsendexConfig, to: string, body: string): string {
  const from = config.from ? `<from>${escapeXml(config.from)}</from>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><messages><accountreference>${escapeXml(config.accountReference)}</accountreference>` +
    `<message><to>${escapeXml(to)}</to><body>${escapeXml(body)}</body>${from}</message></messages>`
  );
}

export const esendex: ProviderDefinition<typeof configSchema> = {
  id: 'esendex',
  displayName: { en: 'Esendex', ja: 'Esendex' },
  channels: ['sms'],
  configSchema,
  fields: [
    { name: 'accountReference', label: { en: 'Account reference', ja: 'アカウント参照番号' }, description: { en: 'EX followed by digits', ja: 'EX で始まる番号' }, secret: false, required: true },
    { name: 'username', label: { en: 'Username', ja: 'ユーザー名' }, description: { en: 'The login e-mail address', ja: 'ログイン用メールアドレス' }, secret: false, required: true },
    { name: 'password', label: { en: 'Password', ja: 'パスワード' }, description: { en: 'The account password or an API password', ja: 'アカウントのパスワードまたは API パスワード' }, secret: true, required: true },
    { name: 'from', label: { en: 'Sender', ja: '送信元' }, description: { en: 'Optional; the account default sender is used when empty', ja: '任意。空の場合はアカウント既定の送信元を使います' }, secret: false, required: false },
  ],
  defaultBaseUrl: 'https://api.esendex.com',
  baseUrlSetting: 'GUARDLINE_ESENDEX_BASE_URL',
  receipts: false,
  create(config, runtime) {
    return {
      async send(message, { signal }): Promise<SendOutcome> {
        const fail = failureFor(message, [config.password]);
        if (message.channel !== 'sms') return voiceRefused('Esendex', fail);
        const answer = await postToVendor(
          runtime,
          {
            vendor: 'Esendex',
            url: `${runtime.baseUrl}/v1.0/messagedispatcher`,
            headers: { authorization: basicAuth(config.username, config.password), 'content-type': 'application/xml; charset=utf-8', accept: 'application/xml' },
            body: dispatchXml(config, withoutPlus(message.to), message.text),
          },
          signal,
          fail,
        );
        if (isFailure(answer)) return answer;
        if (answer.status >= 200 && answer.status < 300) {
          const id = xmlAttribute(answer.text, 'messageheader', 'id');
          if (id) return { kind: 'delivered-to-provider', messageId: id, status: 'accepted' };
          return fail('transient', 'malformed_response', 'Esendex answered without a message header id', answer.status);
        }
        const detail = xmlText(answer.text, 'message') ?? xmlText(answer.text, 'description') ?? `HTTP ${answer.status}`;
        // The body Guardline sends has a fixed shape; what a 400 refuses is the one value that varies: the recipient.
        const kind = answer.status === 400 ? 'permanent' : classifyHttpStatus(answer.status);
        return fail(kind, String(answer.status), `Esendex refused the message: ${detail}`, answer.status);
      },
    };
  },
};
