/**
 * Amazon SNS — the `Publish` action of the SNS Query API, version 2010-03-31, straight to a phone number
 * (docs.aws.amazon.com/sns/latest/api/API_Publish.html; "Publishing to a mobile phone" in the SNS developer guide).
 * `POST /` with a form body `Action=Publish&Version=2010-03-31&PhoneNumber=+E164&Message=…` and
 * `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}` for `AWS.SNS.SMS.SMSType` = Transactional
 * and the optional `AWS.SNS.SMS.SenderID` / `AWS.MM.SMS.OriginationNumber`; signed with AWS Signature V4 by the
 * `aws4` library (service `sns`, the configured region, the host the request really goes to — so a base URL
 * override is signed for its own host). The answer is XML: `<PublishResponse><PublishResult><MessageId>` or
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error>`; codes are classified from the Publish "Errors" list and
 * the "Common Errors" page.
 */
import { Type, type Static } from '@sinclair/typebox';
import aws4 from 'aws4';
import type { ProviderDefinition, SendOutcome } from '../kit.js';
import { type FailureKind, classifyHttpStatus, failureFor, isFailure, postToVendor, voiceRefused, xmlText } from './vendor-http.js';

const configSchema = Type.Object(
  {
    region: Type.String({ pattern: '^[a-z]{2}(?:-[a-z]+)+-\\d{1,2}$', description: 'AWS region of the SNS endpoint, e.g. ap-northeast-1' }),
    accessKeyId: Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Z0-9]+$', description: 'Access key ID of an IAM identity allowed sns:Publish' }),
    secretAccessKey: Type.String({ minLength: 1, maxLength: 256, description: 'Secret access key' }),
    senderId: Type.Optional(Type.String({ minLength: 1, maxLength: 11, pattern: '^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$', description: 'AWS.SNS.SMS.SenderID, where the destination country supports sender IDs' })),
    originationNumber: Type.Optional(Type.String({ pattern: '^\\+[1-9]\\d{1,14}$', description: 'AWS.MM.SMS.OriginationNumber: an E.164 number of the account' })),
  },
  { additionalProperties: false },
);
export type SnsConfig = Static<typeof configSchema>;

/** The SNS endpoint of a region; `{region}` in a configured base URL is replaced the same way. */
export const SNS_DEFAULT_BASE_URL = 'https://sns.{region}.amazonaws.com';

const ERROR_CLASS: Record<string, FailureKind> = {
  InvalidClientTokenId: 'misconfigured',
  SignatureDoesNotMatch: 'misconfigured',
  IncompleteSignature: 'misconfigured',
  MissingAuthenticationToken: 'misconfigured',
  AuthorizationError: 'misconfigured',
  AccessDenied: 'misconfigured',
  AccessDeniedException: 'misconfigured',
  OptInRequired: 'misconfigured',
  ExpiredToken: 'misconfigured',
  InvalidSecurity: 'misconfigured',
  KMSAccessDenied: 'misconfigured',
  KMSDisabled: 'misconfigured',
  RequestExpired: 'transient', // the clock skewed past five minutes; another provider signs nothing
  Throttled: 'transient',
  Throttling: 'transient',
  ThrottlingException: 'transient',
  InternalError: 'transient',
  InternalFailure: 'transient',
  ServiceUnavailable: 'transient',
  KMSThrottling: 'transient',
};

/** InvalidParameter(Value) names the parameter; a bad PhoneNumber is the user's, anything else the operator's. */
function invalidParameterClass(text: string): FailureKind {
  return /phone ?number/i.test(text) ? 'permanent' : 'misconfigured';
}

function publishForm(config: SnsConfig, to: string, text: string): string {
  const form = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', PhoneNumber: to, Message: text });
  const attributes: Array<[string, string]> = [['AWS.SNS.SMS.SMSType', 'Transactional']];
  if (config.senderId) attributes.push(['AWS.SNS.SMS.SenderID', config.senderId]);
  if (config.originationNumber) attributes.push(['AWS.MM.SMS.OriginationNumber', config.originationNumber]);
  attributes.forEach(([name, value], i) => {
    const entry = `MessageAttributes.entry.${i + 1}`;
    form.set(`${entry}.Name`, name);
    form.set(`${entry}.Value.DataType`, 'String');
    form.set(`${entry}.Value.StringValue`, value);
  });
  return form.toString();
}

export const amazonSns: ProviderDefinition<typeof configSchema> = {
  id: 'sns',
  displayName: { en: 'Amazon SNS', ja: 'Amazon SNS' },
  channels: ['sms'],
  configSchema,
  fields: [
    { name: 'region', label: { en: 'Region', ja: 'リージョン' }, description: { en: 'e.g. ap-northeast-1', ja: '例: ap-northeast-1' }, secret: false, required: true },
    { name: 'accessKeyId', label: { en: 'Access key ID', ja: 'アクセスキー ID' }, secret: false, required: true },
    { name: 'secretAccessKey', label: { en: 'Secret access key', ja: 'シークレットアクセスキー' }, secret: true, required: true },
    { name: 'senderId', label: { en: 'Sender ID', ja: '送信者 ID' }, description: { en: 'Optional; only where the destination country supports sender IDs', ja: '任意。送信先の国が送信者 ID に対応している場合のみ' }, secret: false, required: false },
    { name: 'originationNumber', label: { en: 'Origination number', ja: '発信元番号' }, description: { en: 'Optional; an E.164 number of the AWS account', ja: '任意。AWS アカウントの E.164 形式の番号' }, secret: false, required: false },
  ],
  defaultBaseUrl: SNS_DEFAULT_BASE_URL,
  baseUrlSetting: 'GUARDLINE_SNS_BASE_URL',
  receipts: false,
  create(config, runtime) {
    const endpoint = new URL(runtime.baseUrl.replace('{region}', config.region));
    return {
      async send(message, { signal }): Promise<SendOutcome> {
        const fail = failureFor(message, [config.secretAccessKey]);
        if (message.channel !== 'sms') return voiceRefused('Amazon SNS', fail);
        const body = publishForm(config, message.to, message.text);
        const path = endpoint.pathname === '' ? '/' : endpoint.pathname;
        // aws4 signs Host (with a non-default port, as fetch sends it), Content-Type, X-Amz-Date and the body hash.
        const signed = aws4.sign(
          { host: endpoint.host, path, method: 'POST', service: 'sns', region: config.region, body, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } },
          { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
        );
        const headers: Record<string, string> = { accept: 'text/xml' };
        for (const [name, value] of Object.entries(signed.headers ?? {})) {
          // fetch sets Host and Content-Length itself, to the same values aws4 signed.
          if (/^(host|content-length)$/i.test(name) || value === undefined) continue;
          headers[name] = String(value);
        }
        const answer = await postToVendor(runtime, { vendor: 'Amazon SNS', url: new URL(path, endpoint).toString(), headers, body }, signal, fail);
        if (isFailure(answer)) return answer;
        if (answer.status >= 200 && answer.status < 300) {
          const id = xmlText(answer.text, 'MessageId');
          if (id) return { kind: 'delivered-to-provider', messageId: id, status: 'accepted' };
          return fail('transient', 'malformed_response', 'Amazon SNS answered without a MessageId', answer.status);
        }
        const code = xmlText(answer.text, 'Code') ?? String(answer.status);
        const text = xmlText(answer.text, 'Message') ?? `HTTP ${answer.status}`;
        const kind = code === 'InvalidParameter' || code === 'InvalidParameterValue' || code === 'ValidationError'
          ? invalidParameterClass(text)
          : (ERROR_CLASS[code] ?? classifyHttpStatus(answer.status));
        return fail(kind, code, `Amazon SNS refused the message: ${text}`, answer.status);
      },
    };
  },
};
