/**
 * A minimal client of Twilio's Messages API, used only to check the loopback fake (test/support/fake-twilio.ts) on its
 * own; Guardline itself sends through src/delivery/providers/twilio.ts.
 *
 * Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`) over plain fetch: the official SDK is
 * 29 MB and has no base-URL option (see the stack file), and this is one form-encoded POST.
 */
export interface TwilioSmsRequest {
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** E.164 sender or Messaging Service SID (MG…). */
  from: string;
  to: string;
  body: string;
  timeoutMs?: number;
  /** Aborts the request (the delivery service's time budget). */
  signal?: AbortSignal;
}

export type TwilioSmsResult =
  | { ok: true; sid: string }
  | { ok: false; reachable: boolean; status: number | undefined; code: number | undefined; message: string };

export async function sendTwilioSms(request: TwilioSmsRequest): Promise<TwilioSmsResult> {
  const form = new URLSearchParams({ To: request.to, Body: request.body });
  form.set(request.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', request.from);
  const url = `${request.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(request.accountSid)}/Messages.json`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${request.accountSid}:${request.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      signal: request.signal ? AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs ?? 10_000)]) : AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
  } catch (err) {
    return { ok: false, reachable: false, status: undefined, code: undefined, message: `Twilio unreachable: ${(err as Error).message}` };
  }
  const payload = (await response.json().catch(() => ({}))) as { sid?: unknown; code?: unknown; message?: unknown };
  if (response.ok && typeof payload.sid === 'string') return { ok: true, sid: payload.sid };
  return {
    ok: false,
    reachable: true,
    status: response.status,
    code: typeof payload.code === 'number' ? payload.code : undefined,
    message: typeof payload.message === 'string' ? payload.message : `Twilio answered HTTP ${response.status}`,
  };
}
