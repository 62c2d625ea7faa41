import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultTemplate } from '../../src/domain/default-templates.js';
import { renderMessage, VOICE_PAUSE, type MessagePurpose, type TemplateLocale } from '../../src/domain/message-templates.js';
import { buildVoiceTwiml, escapeXml, speakableDigits } from '../../src/delivery/providers/twilio-twiml.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM } from '../support/fakes/twilio-api.js';
import { budget, message, SERVICE_CONFIG, TO, useFakeTwilio } from './twilio-support.js';

/**
 * Twilio voice calls: TwiML built from the rendered voice script (snapshots for ja and en), the Calls request, and a
 * real text-to-speech engine (espeak-ng, when installed) reading the code as digits.
 */

const twilio = useFakeTwilio();

const script = (purpose: MessagePurpose, locale: TemplateLocale, code = '123456') =>
  renderMessage({ source: defaultTemplate(purpose, 'voice', locale), channel: 'voice', code, locale, tenantFriendlyName: 'Acme & Co' });

describe('TwiML for the default voice scripts', () => {
  it('en: Say in en-US, a Pause for each pause marker, digits separated by commas, text escaped', async () => {
    expect(buildVoiceTwiml(await script('verification', 'en'), 'en')).toMatchInlineSnapshot(`"<Response><Say language="en-US">Hello, you requested a verification code to log in to Acme &amp; Co. Your code is:</Say><Pause/><Say language="en-US">1, 2, 3, 4, 5, 6. I repeat, your code is:</Say><Pause/><Say language="en-US">1, 2, 3, 4, 5, 6.</Say></Response>"`);
    expect(buildVoiceTwiml(await script('enrollment', 'en'), 'en')).toMatchInlineSnapshot(`"<Response><Say language="en-US">Hello, you requested a verification code to enroll with Acme &amp; Co. Your code is:</Say><Pause/><Say language="en-US">1, 2, 3, 4, 5, 6. I repeat, your code is:</Say><Pause/><Say language="en-US">1, 2, 3, 4, 5, 6.</Say></Response>"`);
  });

  it('ja: Say in ja-JP, digits separated by the ideographic comma', async () => {
    expect(buildVoiceTwiml(await script('verification', 'ja'), 'ja')).toMatchInlineSnapshot(`"<Response><Say language="ja-JP">Acme &amp; Coへのログインの認証コードをお知らせします。コードは、</Say><Pause/><Say language="ja-JP">1、2、3、4、5、6、です。繰り返します。コードは、</Say><Pause/><Say language="ja-JP">1、2、3、4、5、6、です。</Say></Response>"`);
    expect(buildVoiceTwiml(await script('enrollment', 'ja'), 'ja')).toMatchInlineSnapshot(`"<Response><Say language="ja-JP">Acme &amp; Coへの登録の認証コードをお知らせします。コードは、</Say><Pause/><Say language="ja-JP">1、2、3、4、5、6、です。繰り返します。コードは、</Say><Pause/><Say language="ja-JP">1、2、3、4、5、6、です。</Say></Response>"`);
  });

  it('escapes every XML special character and drops characters XML cannot carry', () => {
    expect(buildVoiceTwiml(`<b>&"it's"</b>\u0007 ${VOICE_PAUSE}1.2.3`, 'en')).toBe(
      '<Response><Say language="en-US">&lt;b&gt;&amp;&quot;it&apos;s&quot;&lt;/b&gt;</Say><Pause/><Say language="en-US">1, 2, 3</Say></Response>',
    );
    expect(escapeXml('\uD800a\uDFFF😀')).toBe('a😀');
  });

  it('pauses at the start, in a row and at the end stay pauses; empty text makes no Say', () => {
    expect(buildVoiceTwiml(`${VOICE_PAUSE}a${VOICE_PAUSE}${VOICE_PAUSE} b ${VOICE_PAUSE}`, 'en')).toBe(
      '<Response><Pause/><Say language="en-US">a</Say><Pause/><Pause/><Say language="en-US">b</Say><Pause/></Response>',
    );
  });

  it('only a dotted run of three or more single digits is re-spelled', () => {
    expect(speakableDigits('Code 1.2.3.4.5.6. Pi is 3.14, host 10.0.0.1, v1.2, 1.2.34, 12.3.4', 'en')).toBe(
      'Code 1, 2, 3, 4, 5, 6. Pi is 3.14, host 10.0.0.1, v1.2, 1.2.34, 12.3.4',
    );
    expect(speakableDigits('コードは、1.2.3.4.5.6、です。', 'ja')).toBe('コードは、1、2、3、4、5、6、です。');
  });
});

describe('Twilio voice calls', () => {
  it('POSTs Calls.json with To, From, the TwiML and the call progress events of the status callback', async () => {
    const text = await script('verification', 'ja');
    const statusCallbackUrl = 'https://acme.example.com/receipts/twilio/prov_1';
    const outcome = await twilio.provider().send(message({ channel: 'voice', text, locale: 'ja', statusCallbackUrl }), budget());
    const call = twilio.fake.calls.at(-1)!;
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: call.sid, status: 'queued' });
    expect(call).toEqual({ sid: expect.stringMatching(/^CA[0-9a-f]{32}$/), account_sid: FAKE_ACCOUNT_SID, to: TO, from: FAKE_FROM, twiml: buildVoiceTwiml(text, 'ja'), status: 'queued' });
    expect(twilio.fake.requests.at(-1)).toEqual({
      method: 'POST',
      path: `/2010-04-01/Accounts/${FAKE_ACCOUNT_SID}/Calls.json`,
      status: 201,
      form: { To: TO, From: FAKE_FROM, Twiml: call.twiml, StatusCallback: statusCallbackUrl, StatusCallbackEvent: ['ringing', 'answered', 'completed'] },
    });
  });

  it('without a status callback URL sends neither StatusCallback nor StatusCallbackEvent', async () => {
    await twilio.provider().send(message({ channel: 'voice', text: `Your code is ${VOICE_PAUSE}1.2.3.4.5.6.` }), budget());
    expect(Object.keys(twilio.fake.requests.at(-1)!.form!)).toEqual(['To', 'From', 'Twiml']);
  });

  it('voice uses the From number even when SMS goes through a Messaging Service', async () => {
    await twilio.provider({ ...SERVICE_CONFIG, from: FAKE_FROM }).send(message({ channel: 'voice', text: 'Hello' }), budget());
    expect(twilio.fake.requests.at(-1)!.form).toMatchObject({ From: FAKE_FROM });
    expect(twilio.fake.requests.at(-1)!.form).not.toHaveProperty('MessagingServiceSid');
  });

  it('without a From number is misconfigured, and Twilio is not called', async () => {
    const requests = twilio.fake.requests.length;
    expect(await twilio.provider(SERVICE_CONFIG).send(message({ channel: 'voice', text: 'Hello' }), budget())).toEqual({
      kind: 'misconfigured',
      error: { errorCode: 'no_from_number', message: 'Voice calls through Twilio need a From number; none is configured.' },
    });
    expect(twilio.fake.requests).toHaveLength(requests);
  });

  it('a script too long for inline TwiML is misconfigured before Twilio is called', async () => {
    const requests = twilio.fake.requests.length;
    const outcome = await twilio.provider().send(message({ channel: 'voice', text: '&'.repeat(1000) }), budget());
    expect(outcome).toEqual({ kind: 'misconfigured', error: { errorCode: 'twiml_too_long', message: expect.stringContaining('at most 4000') } });
    expect(twilio.fake.requests).toHaveLength(requests);
  });

  it('wrong credentials for a call are misconfigured (20003)', async () => {
    const outcome = await twilio.provider({ sid: FAKE_ACCOUNT_SID, auth_token: `${FAKE_AUTH_TOKEN}x`, from: FAKE_FROM }).send(message({ channel: 'voice', text: 'Hi' }), budget());
    expect(outcome).toEqual({ kind: 'misconfigured', error: { errorCode: '20003', message: 'Authenticate', httpStatus: 401 } });
  });

  it('an invalid number for a call is permanent (21217)', async () => {
    const outcome = await twilio.provider().send(message({ channel: 'voice', to: '0312345678', text: 'Hi' }), budget());
    expect(outcome).toEqual({ kind: 'permanent', error: { errorCode: '21217', message: 'Phone number does not appear to be valid', httpStatus: 400 } });
  });
});

/** espeak-ng's phonemes (`-x`) for each digit, stress marks and pause markers removed. */
const DIGIT_PHONEMES: Record<TemplateLocale, Record<string, string>> = {
  en: { '0': 'zi@roU', '1': 'wVn', '2': 'tu:', '3': 'Tri:', '4': 'fo@', '5': 'faIv', '6': 'sIks', '7': 'sEv@n', '8': 'eIt', '9': 'naIn' },
  ja: { '0': 'rei', '1': 'it_si', '2': 'ni:', '3': 'san', '4': 'si', '5': 'go', '6': 'roku', '7': 'sit_si', '8': 'hat_si', '9': 'k_ju:' },
};
const ESPEAK_VOICE: Record<TemplateLocale, string> = { en: 'en-us', ja: 'ja' };
const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;
const unescape = (xml: string) => xml.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);

describe.skipIf(!hasEspeak)('a real text-to-speech engine (espeak-ng) reads the code digit by digit', () => {
  const code = '907315';
  for (const locale of ['en', 'ja'] as const) {
    for (const purpose of ['verification', 'enrollment'] as const) {
      it(`${locale} ${purpose}: after each pause, the six digits and nothing between them`, async () => {
        const twiml = buildVoiceTwiml(await script(purpose, locale, code), locale);
        const says = [...twiml.matchAll(/<Say language="[^"]+">([^<]*)<\/Say>/g)].map((match) => unescape(match[1]!));
        expect(says).toHaveLength(3);
        for (const spoken of says.slice(1)) {
          const result = spawnSync('espeak-ng', ['-v', ESPEAK_VOICE[locale], '-q', '-x', spoken], { encoding: 'utf8' });
          expect(result.status).toBe(0);
          const phonemes = result.stdout.replace(/_!|['",]/g, '').split(/\s+/).filter(Boolean);
          expect(phonemes.slice(0, code.length)).toEqual([...code].map((digit) => DIGIT_PHONEMES[locale][digit]));
        }
      });
    }
  }
});
