import { describe, expect, it } from 'vitest';
import { maskPhoneNumber, parsePhoneNumber } from '../../src/domain/phone-number.js';

const NOT_E164 = 'phone_number must be in E.164 format: a plus sign, the country code and the number, digits only, e.g. +14155550100';
const INVALID =
  'phone_number is not a valid phone number (unknown country code, or a prefix or length its country does not assign), e.g. +14155550100';
const EXTENSION = 'phone_number must not include an extension';

describe('parsePhoneNumber', () => {
  it.each([
    ['+14155552671', 'US'],
    ['+14155550100', 'US'],
    ['+819012345678', 'JP'],
    ['+447400123456', 'GB'],
    // 07911 numbers belong to Guernsey in the metadata: the country is the metadata's, not the calling code's.
    ['+447911123456', 'GG'],
  ])('accepts %s (%s)', (input, country) => {
    expect(parsePhoneNumber(input)).toEqual({ ok: true, e164: input, country });
  });

  it('accepts a valid number that belongs to no country (international network)', () => {
    expect(parsePhoneNumber('+883510012345')).toEqual({ ok: true, e164: '+883510012345', country: undefined });
  });

  it.each([
    ['no plus', '14155552671'],
    ['letters', '+1415CALLNOW'],
    ['spaces', '+1 415 555 2671'],
    ['dashes', '+1-415-555-2671'],
    ['parentheses', '+1 (415) 5552671'],
    ['surrounding whitespace', ' +14155552671'],
    ['16 digits', '+1234567890123456'],
    ['leading +0', '+04155552671'],
    ['only a plus', '+'],
    ['empty', ''],
  ])('refuses %s as not E.164', (_, input) => {
    expect(parsePhoneNumber(input)).toEqual({ ok: false, problem: 'not_e164', message: NOT_E164 });
  });

  it.each(['+14155552671 ext. 12', '+14155552671;ext=12', '+14155552671x123', '+14155552671#12', '+1 415 555 2671 extension 9'])(
    'refuses the extension in %s',
    (input) => {
      expect(parsePhoneNumber(input)).toEqual({ ok: false, problem: 'extension', message: EXTENSION });
    },
  );

  it.each([
    ['a fictional 555 number', '+15555558730'],
    ['the UK drama range', '+447700900123'],
    ['a US area code starting with 0', '+10123456789'],
    ['an unassigned country code', '+999123456'],
    ['too short for its country', '+1415555267'],
    ['too long for its country', '+141555526710'],
    ['too short for any country', '+123'],
  ])('refuses %s as invalid', (_, input) => {
    expect(parsePhoneNumber(input)).toEqual({ ok: false, problem: 'invalid', message: INVALID });
  });

  it('refuses a national trunk prefix after the country code, which the library would silently drop', () => {
    expect(parsePhoneNumber('+4402071838750')).toEqual({
      ok: false,
      problem: 'not_e164',
      message: 'phone_number must be in E.164 format, without the national trunk prefix after the country code, e.g. +14155550100',
    });
  });
});

describe('maskPhoneNumber', () => {
  it.each([
    ['+15555558730', 'XXXXXXX8730'],
    ['+819012345678', 'XXXXXXXX5678'],
    ['+447400123456', 'XXXXXXXX3456'],
    ['+1234', 'XXXX'],
    ['+12', 'XX'],
  ])('%s → %s', (input, masked) => {
    expect(maskPhoneNumber(input)).toBe(masked);
  });
});
