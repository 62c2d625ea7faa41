/**
 * The loopback Twilio fake now lives in `fakes/twilio-api.ts` (Messages and Calls, failures on demand, signed status
 * callbacks); this module keeps the import path its first users (the built-in provider's upstream tests) know.
 */
export {
  FAKE_ACCOUNT_SID,
  FAKE_AUTH_TOKEN,
  FAKE_FROM,
  FAKE_MESSAGING_SERVICE_SID,
  startFakeTwilio,
  type FakeTwilio,
  type FakeTwilioFailure,
  type FakeTwilioMessage,
  type TwilioError,
} from './fakes/twilio-api.js';
