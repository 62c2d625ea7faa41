import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { nationalToE164 } from './calling-codes.js';

export type PhoneNumberProblem = 'not_e164' | 'extension' | 'invalid';
export type ParsedPhoneNumber =
  | { ok: true; e164: string; country: string | undefined }
  | { ok: false; problem: PhoneNumberProblem; message: string };

const E164 = /^\+[1-9]\d{1,14}$/;
/** "ext", "ext.", "extension", ";ext=", "x" or "#" followed by digits at the end, as people write extensions. */
const EXTENSION = /(?:;ext=|ext(?:ension)?\.?|x|#)\s*\d+\s*$/i;

const EXAMPLE = 'e.g. +14155550100';
const problem = (kind: PhoneNumberProblem, message: string): ParsedPhoneNumber => ({ ok: false, problem: kind, message });

/**
 * Strict E.164 as Auth0 expects on /mfa/associate: `^\+[1-9]\d{1,14}$`, valid per libphonenumber-js/max metadata,
 * no extension. Formatted input ("+1 415 555 0100") is refused rather than normalised: the number is an identifier
 * (enrollments, limits and fraud counters are keyed by it), so one number must have exactly one spelling.
 * Messages never repeat the number, because API errors end up in logs, where numbers are masked.
 */
export function parsePhoneNumber(input: string): ParsedPhoneNumber {
  // An SMS or a call cannot dial an extension, so say so rather than "not E.164".
  if (EXTENSION.test(input)) return problem('extension', 'phone_number must not include an extension');
  if (!E164.test(input)) {
    return problem(
      'not_e164',
      `phone_number must be in E.164 format: a plus sign, the country code and the number, digits only, ${EXAMPLE}`,
    );
  }
  // min metadata only checks lengths; max knows which prefixes each country assigns.
  const parsed = parsePhoneNumberFromString(input);
  if (!parsed?.isValid()) {
    return problem('invalid', `phone_number is not a valid phone number (unknown country code, or a prefix or length its country does not assign), ${EXAMPLE}`);
  }
  // "+44 0 20..." passes the pattern and the library drops the trunk 0; the E.164 spelling has no trunk prefix.
  if (parsed.number !== input) {
    return problem('not_e164', `phone_number must be in E.164 format, without the national trunk prefix after the country code, ${EXAMPLE}`);
  }
  return { ok: true, e164: parsed.number, country: parsed.country };
}

/**
 * A number typed into a login page: a country (ISO 3166-1 alpha-2, from the picker) and the national number as people
 * write it (spaces, hyphens, brackets, a trunk 0), or a whole international number starting with "+" (which wins
 * over the picker). Normalised to E.164, then held to the same rules as the API (`parsePhoneNumber`). Unlike the
 * API, a page formats for the user: a person types "090-1234-5678", not "+819012345678".
 */
export function phoneFromForm(country: string | undefined, typed: string | undefined): { ok: true; e164: string } | { ok: false; problem: PhoneNumberProblem | 'missing' } {
  const text = (typed ?? '').trim();
  if (text === '') return { ok: false, problem: 'missing' };
  if (EXTENSION.test(text)) return { ok: false, problem: 'extension' };
  const e164 = text.startsWith('+') ? `+${text.slice(1).replace(/[\s().-]/g, '')}` : country ? nationalToE164(country, text) : undefined;
  if (!e164) return { ok: false, problem: 'invalid' };
  const checked = parsePhoneNumber(e164);
  return checked.ok ? { ok: true, e164: checked.e164 } : { ok: false, problem: checked.problem };
}

/**
 * Auth0's masked form, as in authenticator names: every digit except the last four replaced by X, without the plus:
 * "+15555558730" → "XXXXXXX8730". Non-digits are dropped so formatting never leaks extra characters; a number of
 * four digits or fewer is masked entirely.
 */
export function maskPhoneNumber(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  if (digits.length <= 4) return 'X'.repeat(digits.length);
  return 'X'.repeat(digits.length - 4) + digits.slice(-4);
}
