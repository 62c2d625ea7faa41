import { Type } from '@sinclair/typebox';
import { FACTOR_NAMES, MFA_POLICIES, OTP_LENGTH, OTP_LIFETIME_SECONDS, PHONE_MESSAGE_TYPES, PHONE_PROVIDERS } from '../../../../services/guardian.js';
import { StrictObject } from '../../../schemas.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** Auth0's GuardianFactorNameEnum; `sms` is the phone factor (SMS and voice). */
export const FactorName = literals(FACTOR_NAMES);

export const Factor = Type.Object({
  name: FactorName,
  enabled: Type.Boolean(),
  trial_expired: Type.Boolean({ description: 'Whether trial limits have been exceeded (sms: the built-in provider has sent its 100 messages)' }),
});

/** Any string, so that a name outside the enum is a 404 naming the known factors rather than a schema error. */
export const FactorNameParams = StrictObject({ name: Type.String() });

export const FactorEnabled = StrictObject({ enabled: Type.Boolean() });

export const MessageTypes = StrictObject({
  message_types: Type.Array(literals(PHONE_MESSAGE_TYPES), { minItems: 1, uniqueItems: true }),
});

export const SelectedProvider = StrictObject({ provider: literals(PHONE_PROVIDERS) });

/** Auth0's lengths: `from` 0–64, the others 1–1000; `null` clears a field. */
const nullable = (options: { minLength: number; maxLength: number }, description: string) =>
  Type.Optional(Type.Union([Type.String(options), Type.Null()], { description }));

export const TwilioSettingsBody = StrictObject({
  from: nullable({ minLength: 0, maxLength: 64 }, 'From number'),
  messaging_service_sid: nullable({ minLength: 1, maxLength: 1000 }, 'Messaging Service SID'),
  auth_token: nullable({ minLength: 1, maxLength: 1000 }, 'Twilio auth token (returned masked: **** and the last four characters)'),
  sid: nullable({ minLength: 1, maxLength: 1000 }, 'Twilio account SID'),
});

export const TwilioSettings = Type.Object({
  from: Type.Union([Type.String(), Type.Null()]),
  messaging_service_sid: Type.Union([Type.String(), Type.Null()]),
  auth_token: Type.Union([Type.String(), Type.Null()]),
  sid: Type.Union([Type.String(), Type.Null()]),
});

const template = (description: string) => Type.String({ minLength: 1, maxLength: 2000, description });

export const PhoneTemplates = StrictObject({
  enrollment_message: template('Sent when a user enrolls a phone number (Liquid)'),
  verification_message: template('Sent when a user signs in with an enrolled phone number (Liquid)'),
});

/** Guardline extension: the one-time code's length and lifetime. */
export const PhoneCodeSettings = Type.Object({
  otp_length: Type.Integer({ minimum: OTP_LENGTH.min, maximum: OTP_LENGTH.max, description: 'Digits in a code' }),
  otp_lifetime: Type.Integer({ minimum: OTP_LIFETIME_SECONDS.min, maximum: OTP_LIFETIME_SECONDS.max, description: 'Seconds a code stays valid' }),
});

export const PhoneCodeSettingsBody = Type.Object(
  {
    otp_length: Type.Optional(PhoneCodeSettings.properties.otp_length),
    otp_lifetime: Type.Optional(PhoneCodeSettings.properties.otp_lifetime),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Guardline extension: numbers that never reach a provider and accept a fixed code (app-store review, CI). */
export const MAX_TEST_NUMBERS = 20;
export const TestNumbers = StrictObject({
  test_numbers: Type.Array(
    StrictObject({
      phone_number: Type.String({ minLength: 1, maxLength: 32, description: 'E.164' }),
      code: Type.String({ minLength: 1, maxLength: OTP_LENGTH.max, description: "Digits, as many as the tenant's code length" }),
    }),
    { maxItems: MAX_TEST_NUMBERS },
  ),
});

/** `[]` = never ask for MFA; one of the two policies otherwise. */
export const MfaPolicies = Type.Array(literals(MFA_POLICIES), { uniqueItems: true });
