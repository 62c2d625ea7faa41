import { randomUUID } from 'node:crypto';
import aws4 from 'aws4';
import { type FakeReply, type FakeRequest, startVendorFake, strictForm, UNROUTABLE_PREFIX, type VendorFake, xml } from './vendor-fake.js';

/**
 * A loopback stand-in for the SNS Query API's `Publish` (version 2010-03-31) to a phone number. Authentication is
 * checked the AWS way: the `Authorization` header must be AWS4-HMAC-SHA256 for the fake's access key, with a
 * credential scope of today / the fake's region / `sns` / `aws4_request`, and its signature must equal the one the
 * fake recomputes with the same library (aws4) from the request it received — method, path, the signed headers as
 * they arrived (Host included, port and all) and the body — and its own secret. Unknown key → 403
 * InvalidClientTokenId; bad signature → 403 SignatureDoesNotMatch; wrong region in the scope → 403
 * SignatureDoesNotMatch ("Credential should be scoped to a valid region"); then the Publish parameters: Action,
 * Version, exactly one target (400 InvalidParameter), an E.164 PhoneNumber (400 InvalidParameter "Invalid parameter:
 * PhoneNumber Reason: …"), a Message, well-formed MessageAttributes. Answers are SNS's XML documents.
 */

export const SNS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SNS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const SNS_REGION = 'ap-northeast-1';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export interface FakeSns extends VendorFake {
  readonly messages: Array<{ messageId: string; to: string; text: string; attributes: Record<string, string> }>;
}

export const snsError = (status: number, type: 'Sender' | 'Receiver', code: string, message: string): FakeReply =>
  xml(
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

function checkSignature(request: FakeRequest): FakeReply | undefined {
  const header = request.headers.authorization;
  if (!header) return snsError(403, 'Sender', 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const match = AUTHORIZATION.exec(header);
  if (!match) return snsError(400, 'Sender', 'IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature');
  const [, keyId, date, region, service, signedHeaders, signature] = match;
  if (keyId !== SNS_ACCESS_KEY_ID) return snsError(403, 'Sender', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  const amzDate = request.headers['x-amz-date'];
  if (typeof amzDate !== 'string' || !amzDate.startsWith(date!)) return snsError(400, 'Sender', 'IncompleteSignature', 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP');
  if (service !== 'sns' || region !== SNS_REGION) return snsError(403, 'Sender', 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${region}'.`);
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return snsError(403, 'Sender', 'SignatureDoesNotMatch', 'Host and X-Amz-Date must be signed');
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (typeof value !== 'string') return snsError(403, 'Sender', 'SignatureDoesNotMatch', `Signed header ${name} is missing`);
    headers[name] = value;
  }
  const signer = new aws4.RequestSigner(
    { host: headers.host, path: request.path, method: request.method, service: 'sns', region: SNS_REGION, body: request.body, headers, doNotModifyHeaders: true },
    { accessKeyId: SNS_ACCESS_KEY_ID, secretAccessKey: SNS_SECRET_ACCESS_KEY },
  );
  // Sign for the time the client claims (X-Amz-Date), as AWS does, rather than the fake's clock.
  signer.datetime = amzDate;
  if (signer.signedHeaders() !== signedHeaders || signer.signature() !== signature) {
    return snsError(403, 'Sender', 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return undefined;
}

export async function startFakeSns(): Promise<FakeSns> {
  const messages: FakeSns['messages'] = [];

  function handle(request: FakeRequest): FakeReply {
    if (request.method !== 'POST' || request.path !== '/') return snsError(404, 'Sender', 'NotFound', 'Not Found');
    const refused = checkSignature(request);
    if (refused) return refused;
    const form = strictForm(request);
    if (typeof form === 'string') return snsError(400, 'Sender', 'MalformedQueryString', form);
    if (form.get('Action') !== 'Publish') return snsError(400, 'Sender', 'InvalidAction', `The action ${form.get('Action')} is not valid for this web service.`);
    if (form.get('Version') !== '2010-03-31') return snsError(400, 'Sender', 'InvalidParameterValue', 'Invalid Version');
    const targets = ['PhoneNumber', 'TopicArn', 'TargetArn'].filter((name) => form.has(name));
    if (targets.length !== 1) return snsError(400, 'Sender', 'InvalidParameter', 'Invalid parameter: exactly one of TopicArn, TargetArn or PhoneNumber is required');
    const to = form.get('PhoneNumber') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to) || to.startsWith(UNROUTABLE_PREFIX)) {
      return snsError(400, 'Sender', 'InvalidParameter', 'Invalid parameter: PhoneNumber Reason: input incorrectly formatted');
    }
    const text = form.get('Message');
    if (!text) return snsError(400, 'Sender', 'ValidationError', '1 validation error detected: Value null at \'message\' failed to satisfy constraint: Member must not be null');
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      const name = form.get(`MessageAttributes.entry.${i}.Name`)!;
      const type = form.get(`MessageAttributes.entry.${i}.Value.DataType`);
      const value = form.get(`MessageAttributes.entry.${i}.Value.StringValue`);
      if (type !== 'String' || value === undefined) return snsError(400, 'Sender', 'ParameterValueInvalid', `The message attribute '${name}' must contain non-empty message attribute value.`);
      attributes[name] = value;
    }
    const smsType = attributes['AWS.SNS.SMS.SMSType'];
    if (smsType !== undefined && smsType !== 'Transactional' && smsType !== 'Promotional') return snsError(400, 'Sender', 'ParameterValueInvalid', 'Invalid SMSType');
    const messageId = randomUUID();
    messages.push({ messageId, to, text, attributes });
    return xml(200, `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`);
  }

  const fake = await startVendorFake({
    handle,
    serverError: () => snsError(500, 'Receiver', 'InternalError', 'We encountered an internal error. Please try again.'),
    // Publish has no per-message status: a 2xx can only go wrong by not carrying the MessageId.
    failedStatus: () => xml(200, `<PublishResponse xmlns="${NS}"><PublishResult/><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`),
  });
  return Object.assign(fake, { messages });
}
