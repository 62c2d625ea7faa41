import { Type, type Static } from '@sinclair/typebox';
import type { MessageChannel } from '../../domain/message-templates.js';
import type { ProviderDefinition, ProviderInstance, ProviderMessage, ProviderRuntime, SendOutcome } from '../kit.js';
import { classifyTwilioFailure, twilioProviderError } from './twilio-errors.js';
import { parseTwilioReceipt, twilioDeliveryStatus } from './twilio-receipts.js';
import { buildVoiceTwiml, MAX_TWIML_LENGTH } from './twilio-twiml.js';

/**
 * Twilio: SMS through Programmable Messaging (`Messages.json`) and voice calls through Programmable Voice
 * (`Calls.json`, inline TwiML), over plain fetch with an injected base URL (the official SDK is 29 MB and has no
 * base-URL option; these are two form POSTs). Delivery receipts come back as signed status callbacks.
 */

const E164 = '^\\+[1-9]\\d{1,14}$';

export const twilioConfigSchema = Type.Object(
  {
    sid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$', description: 'Twilio Account SID: AC followed by 32 hexadecimal characters.' }),
    auth_token: Type.String({ minLength: 1, maxLength: 256, description: 'Auth token of the account (secret).' }),
    from: Type.Optional(Type.String({ pattern: E164, description: 'Sender number in E.164 format; required for voice.' })),
    messaging_service_sid: Type.Optional(
      Type.String({ pattern: '^MG[0-9a-fA-F]{32}$', description: 'Messaging Service SID (MG followed by 32 hexadecimal characters) that sends the SMS.' }),
    ),
  },
  { additionalProperties: false },
);
export type TwilioConfig = Static<typeof twilioConfigSchema>;

/**
 * What the schema alone cannot say: a sender is needed, and voice always needs a From number (a Messaging Service
 * only sends SMS). Returns an English sentence for a 400, or undefined when the configuration can serve the channels.
 */
export function twilioConfigProblem(
  config: { from?: string | null; messaging_service_sid?: string | null },
  enabledChannels: readonly MessageChannel[],
): string | undefined {
  if (enabledChannels.includes('voice') && !config.from) {
    return 'Voice calls through Twilio need a From number: set from to a voice-capable Twilio number in E.164 format (a Messaging Service only sends SMS).';
  }
  if (!config.from && !config.messaging_service_sid) {
    return 'Twilio needs a sender: set from (a Twilio number in E.164 format) or messaging_service_sid (MG followed by 32 hexadecimal characters).';
  }
  return undefined;
}

/** Call progress events to be told about: ringing → sent, answered → delivered, completed (or busy, no-answer…). */
const CALL_EVENTS = ['ringing', 'answered', 'completed'] as const;

interface TwilioAnswer {
  sid?: unknown;
  status?: unknown;
  code?: unknown;
  message?: unknown;
  error_code?: unknown;
  error_message?: unknown;
}

function createTwilio(config: TwilioConfig, runtime: ProviderRuntime): ProviderInstance {
  const accountUrl = `${runtime.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.sid)}`;
  const authorization = `Basic ${Buffer.from(`${config.sid}:${config.auth_token}`).toString('base64')}`;

  function request(message: ProviderMessage): { resource: 'Messages' | 'Calls'; form: URLSearchParams } | SendOutcome {
    const form = new URLSearchParams({ To: message.to });
    if (message.channel === 'sms') {
      form.set('Body', message.text);
      // A Messaging Service picks the sender from its pool; when both are configured, From is kept for voice.
      if (config.messaging_service_sid) form.set('MessagingServiceSid', config.messaging_service_sid);
      else if (config.from) form.set('From', config.from);
      else return misconfigured('no_sender', 'No From number or Messaging Service SID is configured for Twilio SMS.');
      if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);
      return { resource: 'Messages', form };
    }
    if (!config.from) return misconfigured('no_from_number', 'Voice calls through Twilio need a From number; none is configured.');
    const twiml = buildVoiceTwiml(message.text, message.locale);
    if (twiml.length > MAX_TWIML_LENGTH) {
      return misconfigured('twiml_too_long', `The voice script makes ${twiml.length} characters of TwiML; Twilio accepts at most ${MAX_TWIML_LENGTH}. Shorten the voice template.`);
    }
    form.set('From', config.from);
    form.set('Twiml', twiml);
    if (message.statusCallbackUrl) {
      form.set('StatusCallback', message.statusCallbackUrl);
      for (const event of CALL_EVENTS) form.append('StatusCallbackEvent', event);
    }
    return { resource: 'Calls', form };
  }

  async function send(message: ProviderMessage, { signal }: { signal: AbortSignal }): Promise<SendOutcome> {
    const prepared = request(message);
    if ('kind' in prepared) return prepared;
    let response: Response;
    let answer: TwilioAnswer;
    try {
      response = await runtime.fetch(`${accountUrl}/${prepared.resource}.json`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: prepared.form.toString(),
        signal,
      });
      answer = (await response.json().catch(() => ({}))) as TwilioAnswer;
      // The budget may run out while the body is read: that is a timeout too, not an unreadable answer.
      signal.throwIfAborted();
    } catch (error) {
      if (signal.aborted) return { kind: 'transient', error: twilioProviderError('timeout', 'Twilio did not answer within the send time budget.') };
      // undici says only "fetch failed"; the cause's code (ECONNREFUSED, ENOTFOUND…) is what an operator needs.
      const cause = (error as { cause?: { code?: unknown } }).cause?.code;
      const reason = `${(error as Error).message}${typeof cause === 'string' ? ` (${cause})` : ''}`;
      return { kind: 'transient', error: twilioProviderError('unreachable', `Twilio could not be reached: ${reason}`) };
    }
    return outcome(message.channel, response.status, answer ?? {});
  }

  return {
    send,
    parseReceipt: (receipt) => parseTwilioReceipt({ sid: config.sid, authToken: config.auth_token }, receipt),
  };
}

function misconfigured(errorCode: string, message: string): SendOutcome {
  return { kind: 'misconfigured', error: twilioProviderError(errorCode, message) };
}

const asCode = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined);

/** Reads Twilio's answer: the created resource (201), or its error body `{code, message, more_info, status}`. */
function outcome(channel: MessageChannel, httpStatus: number, answer: TwilioAnswer): SendOutcome {
  const kind = channel === 'voice' ? 'call' : 'message';
  if (httpStatus >= 200 && httpStatus < 300) {
    const status = typeof answer.status === 'string' ? twilioDeliveryStatus(kind, answer.status) : undefined;
    const errorCode = asCode(answer.error_code);
    // A created resource that is already failed (a 2xx with status failed) is a refusal like any other.
    if ((status === 'failed' || status === 'undelivered') && errorCode !== undefined) {
      const message = typeof answer.error_message === 'string' ? answer.error_message : `Twilio created the ${kind} already ${String(answer.status)}.`;
      return { kind: classifyTwilioFailure(400, errorCode), error: twilioProviderError(String(errorCode), message, httpStatus) };
    }
    if (typeof answer.sid === 'string' && answer.sid !== '') {
      return status === undefined ? { kind: 'delivered-to-provider', messageId: answer.sid } : { kind: 'delivered-to-provider', messageId: answer.sid, status };
    }
    // Not Twilio's answer (a proxy page, a wrong base URL): whether anything was sent is unknown; the next provider may deliver.
    return { kind: 'transient', error: twilioProviderError('invalid_response', `Twilio answered HTTP ${httpStatus} without a ${kind} sid.`, httpStatus) };
  }
  const code = asCode(answer.code);
  const message = typeof answer.message === 'string' && answer.message !== '' ? answer.message : `Twilio answered HTTP ${httpStatus}.`;
  return { kind: classifyTwilioFailure(httpStatus, code), error: twilioProviderError(code === undefined ? String(httpStatus) : String(code), message, httpStatus) };
}

export const twilioProvider: ProviderDefinition<typeof twilioConfigSchema> = {
  id: 'twilio',
  displayName: { en: 'Twilio', ja: 'Twilio' },
  channels: ['sms', 'voice'],
  configSchema: twilioConfigSchema,
  fields: [
    {
      name: 'sid',
      label: { en: 'Account SID', ja: 'アカウント SID' },
      description: {
        en: 'Your Twilio Account SID, as the Twilio Console shows it: AC followed by 32 hexadecimal characters.',
        ja: 'Twilio コンソールに表示されるアカウント SID です(AC に続く 32 桁の 16 進数)。',
      },
      secret: false,
      required: true,
    },
    {
      name: 'auth_token',
      label: { en: 'Auth token', ja: '認証トークン' },
      description: {
        en: 'The auth token of the account. Stored encrypted and never shown again in full.',
        ja: 'アカウントの認証トークンです。暗号化して保存され、再び全体が表示されることはありません。',
      },
      secret: true,
      required: true,
    },
    {
      name: 'from',
      label: { en: 'From number', ja: '発信元番号' },
      description: {
        en: 'A Twilio phone number in E.164 format (+14155550100). Required for voice calls; SMS use it when no Messaging Service is set.',
        ja: 'E.164 形式の Twilio 電話番号です(+14155550100)。音声通話には必須で、メッセージングサービスが未設定のときは SMS にも使われます。',
      },
      secret: false,
      required: false,
    },
    {
      name: 'messaging_service_sid',
      label: { en: 'Messaging Service SID', ja: 'メッセージングサービス SID' },
      description: {
        en: 'Send SMS through a Twilio Messaging Service (MG followed by 32 hexadecimal characters) instead of one From number. Voice calls still need a From number.',
        ja: '1 つの発信元番号の代わりに Twilio メッセージングサービス(MG に続く 32 桁の 16 進数)から SMS を送ります。音声通話には別途発信元番号が必要です。',
      },
      secret: false,
      required: false,
    },
  ],
  defaultBaseUrl: 'https://api.twilio.com',
  baseUrlSetting: 'GUARDLINE_TWILIO_BASE_URL',
  receipts: true,
  create: createTwilio,
};
