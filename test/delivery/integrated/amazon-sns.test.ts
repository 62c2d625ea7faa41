import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { amazonSns, SNS_DEFAULT_BASE_URL } from '../../../src/delivery/providers/amazon-sns.js';
import { type FakeSns, SNS_ACCESS_KEY_ID, SNS_REGION, SNS_SECRET_ACCESS_KEY, snsError, startFakeSns } from '../../support/fakes/amazon-sns.js';
import { failureOf, instance, noBudget, otpMessage, providerContract } from './support.js';

const config = { region: SNS_REGION, accessKeyId: SNS_ACCESS_KEY_ID, secretAccessKey: SNS_SECRET_ACCESS_KEY };
const WRONG_SECRET = 'wJalrXUtnFEMI/K7MDENG/WRONGSECRETKEY0000';

describe('sns: contract', () => {
  providerContract({
    definition: amazonSns,
    secretFields: ['secretAccessKey'],
    config,
    wrongCredentials: { ...config, secretAccessKey: WRONG_SECRET },
    secrets: [SNS_SECRET_ACCESS_KEY, WRONG_SECRET],
    start: startFakeSns,
    recordedTo: (e164) => e164,
    failedStatusKind: 'transient',
  });
});

describe('sns: Publish, SigV4 and error table', () => {
  let fake: FakeSns;
  beforeEach(async () => {
    fake = await startFakeSns();
  });
  afterEach(() => fake.close());

  it('publishes Transactional SMS with the optional sender attributes, signed for the overridden host', async () => {
    const withSender = { ...config, senderId: 'Guardline', originationNumber: '+12065550100' };
    const outcome = await instance(amazonSns, withSender, fake.url).send(otpMessage(), noBudget());
    expect(outcome.kind).toBe('delivered-to-provider');
    expect(fake.messages[0]!.attributes).toEqual({
      'AWS.SNS.SMS.SMSType': 'Transactional',
      'AWS.SNS.SMS.SenderID': 'Guardline',
      'AWS.MM.SMS.OriginationNumber': '+12065550100',
    });
    const authorization = String(fake.requests[0]!.headers.authorization);
    expect(authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${SNS_ACCESS_KEY_ID}/\\d{8}/${SNS_REGION}/sns/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=`));
    expect(fake.requests[0]!.headers.host).toBe(new URL(fake.url).host);
  });

  it('a signature for another region is refused: misconfigured', async () => {
    const outcome = failureOf(await instance(amazonSns, { ...config, region: 'eu-west-1' }, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toMatchObject({ kind: 'misconfigured', error: { errorCode: 'SignatureDoesNotMatch', httpStatus: 403 } });
  });

  it('an unknown access key: misconfigured InvalidClientTokenId', async () => {
    const outcome = failureOf(await instance(amazonSns, { ...config, accessKeyId: 'AKIAUNKNOWNKEY000000' }, fake.url).send(otpMessage(), noBudget()));
    expect(outcome).toMatchObject({ kind: 'misconfigured', error: { errorCode: 'InvalidClientTokenId' } });
  });

  it('the default base URL is the configured region\'s endpoint, and is what gets signed', async () => {
    const seen: Array<{ url: string; headers: Headers }> = [];
    const recording: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers) });
      return new Response('<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>', { status: 200 });
    };
    const outcome = await instance(amazonSns, config, SNS_DEFAULT_BASE_URL, recording).send(otpMessage(), noBudget());
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: 'm-1', status: 'accepted' });
    expect(seen[0]!.url).toBe(`https://sns.${SNS_REGION}.amazonaws.com/`);
    expect(seen[0]!.headers.get('authorization')).toContain(`/${SNS_REGION}/sns/aws4_request`);
  });

  it.each([
    [400, 'Sender', 'InvalidParameter', 'Invalid parameter: PhoneNumber Reason: +999 is not valid', 'permanent'],
    [400, 'Sender', 'InvalidParameter', 'Invalid parameter: MessageAttributes', 'misconfigured'],
    [403, 'Sender', 'AuthorizationError', 'User is not authorized to perform: SNS:Publish', 'misconfigured'],
    [403, 'Sender', 'OptInRequired', 'The AWS Access Key Id needs a subscription for the service', 'misconfigured'],
    [429, 'Sender', 'Throttled', 'Rate exceeded', 'transient'],
    [400, 'Sender', 'Throttling', 'Rate exceeded', 'transient'],
    [503, 'Receiver', 'ServiceUnavailable', 'Service is unavailable', 'transient'],
    [400, 'Sender', 'SomeFutureCode', 'Something new', 'misconfigured'],
  ] as const)('HTTP %s %s %s → %s', async (status, type, code, text, kind) => {
    fake.failNext({ kind: 'reply', reply: snsError(status, type, code, text.replace('+999', '+99912345678')) });
    const outcome = failureOf(await instance(amazonSns, config, fake.url).send(otpMessage({ to: '+99912345678' }), noBudget()));
    expect(outcome.kind).toBe(kind);
    expect(outcome.error.errorCode).toBe(code);
    expect(outcome.error.message).not.toContain('99912345678');
  });
});
