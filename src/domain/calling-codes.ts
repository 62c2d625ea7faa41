import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** A country a phone number can be entered for: ISO 3166-1 alpha-2 code, calling code digits, localised name. */
export interface CallingCountry {
  country: string;
  callingCode: string;
  name: string;
}

const KNOWN = new Set<string>(getCountries());

/** True for an ISO alpha-2 code libphonenumber knows a calling code for ("JP", "US", also "AC", "XK"). */
export const isCallingCountry = (country: string): country is CountryCode => KNOWN.has(country);

/** The calling code digits of a country, without the plus ("JP" → "81"), or undefined for an unknown code. */
export function callingCode(country: string): string | undefined {
  return isCallingCountry(country) ? getCountryCallingCode(country) : undefined;
}

/**
 * The countries of the picker, named in `locale` (Intl.DisplayNames) and sorted by that name with the locale's
 * collation. `allowed` (ISO codes, e.g. the tenant's country rules) narrows the list; unknown codes are dropped.
 */
export function callingCountries(locale: string, allowed?: readonly string[]): CallingCountry[] {
  const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
  const collator = new Intl.Collator(locale);
  const codes = allowed ? [...new Set(allowed.map((c) => c.toUpperCase()))].filter(isCallingCountry) : [...KNOWN];
  return codes
    .map((country) => ({ country, callingCode: getCountryCallingCode(country as CountryCode), name: names.of(country) ?? country }))
    .sort((a, b) => collator.compare(a.name, b.name));
}

/** The country a locale most likely dials from when the page has no better hint (`ja` → JP, otherwise US). */
export function defaultCountryFor(locale: string): string {
  const region = /-([A-Za-z]{2})\b/.exec(locale)?.[1]?.toUpperCase();
  if (region && isCallingCountry(region)) return region;
  return locale.toLowerCase().startsWith('ja') ? 'JP' : 'US';
}

/**
 * The E.164 spelling of a national number typed in a country's picker ("JP", "090-1234-5678" → "+819012345678"):
 * separators and the trunk prefix are the library's business, so "090…" and "90…" give the same number. Undefined
 * when it is not a valid number of that country. The pages use it; the MFA core still checks the result.
 */
export function nationalToE164(country: string, national: string): string | undefined {
  if (!isCallingCountry(country) || !/^[\d\s().-]{1,32}$/.test(national)) return undefined;
  const parsed = parsePhoneNumberFromString(national, country);
  // Same calling code, not same country: a Canadian number typed with "US" picked is still +1 and valid.
  return parsed?.isValid() && parsed.countryCallingCode === getCountryCallingCode(country) ? parsed.number : undefined;
}
