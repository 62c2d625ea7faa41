import { maskPhoneNumber } from '../../domain/phone-number.js';
import type { ProviderError } from '../kit.js';

/** What the caller should do about a Twilio failure (the kit's outcome classes other than success). */
export type TwilioFailureClass = 'transient' | 'permanent' | 'misconfigured';

/**
 * Twilio error codes Guardline recognises, with their meaning as Twilio's error dictionary gives it
 * (https://www.twilio.com/docs/api/errors/{code}) and the class they map to. docs/providers.md carries the same
 * table; a test keeps the two in step.
 */
export const TWILIO_ERROR_CLASSES: Readonly<Record<number, { class: TwilioFailureClass; meaning: string }>> = {
  20003: { class: 'misconfigured', meaning: 'Authentication failed: wrong Account SID or auth token' },
  20429: { class: 'transient', meaning: 'Too many concurrent REST API requests; never processed, safe to retry' },
  21211: { class: 'permanent', meaning: "The 'To' number is not a valid phone number" },
  21217: { class: 'permanent', meaning: 'Voice: the phone number called does not appear to be valid' },
  21408: { class: 'permanent', meaning: "Geo permissions: sending to the 'To' number's region is disabled for the account" },
  21606: { class: 'misconfigured', meaning: "The 'From' number is not a message-capable Twilio number for this destination or account" },
  21608: { class: 'misconfigured', meaning: "Trial account (or no approved compliance profile): the 'To' number is not a verified recipient" },
  21610: { class: 'permanent', meaning: 'The recipient replied STOP: unsubscribed from this sender' },
  21612: { class: 'permanent', meaning: "The message cannot be sent with this combination of 'To' and 'From' (unroutable destination)" },
  21614: { class: 'permanent', meaning: "The 'To' number is not a mobile number (a landline, or invalid)" },
};

/**
 * Classifies a refused request. A known code decides; otherwise the HTTP status: 429 and 5xx are transient (the
 * request was not processed: the next provider may deliver), 401/403 misconfigured, and any other 4xx
 * misconfigured too — an unknown refusal of a request Guardline built says nothing against the user's number, and
 * most of Twilio's other 4xx codes name a bad sender, account or parameter (21212, 21659, 21701, 20404…), which an
 * operator has to fix.
 */
export function classifyTwilioFailure(httpStatus: number, code: number | undefined): TwilioFailureClass {
  const known = code === undefined ? undefined : TWILIO_ERROR_CLASSES[code];
  if (known) return known.class;
  if (httpStatus === 429 || httpStatus >= 500) return 'transient';
  return 'misconfigured';
}

/** Twilio's messages repeat the numbers ("The 'To' number +8190… is not valid"): mask them as logs require. */
const DIGIT_RUN = /\+?\d{7,15}/g;
const MAX_MESSAGE_LENGTH = 500;

export function twilioProviderError(errorCode: string, message: string, httpStatus?: number): ProviderError {
  const safe = message.replace(DIGIT_RUN, (digits) => maskPhoneNumber(digits)).slice(0, MAX_MESSAGE_LENGTH);
  return httpStatus === undefined ? { errorCode, message: safe } : { errorCode, message: safe, httpStatus };
}
