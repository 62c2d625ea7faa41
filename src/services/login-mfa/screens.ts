import type { MessageChannel } from '../../domain/message-templates.js';

/** Auth0's Universal Login screen names (reference §8) for the phone factor, and the recovery code's. */
export const MFA_SCREENS = [
  'mfa-phone-enrollment',
  'mfa-sms-enrollment',
  'mfa-voice-enrollment',
  'mfa-phone-challenge',
  'mfa-sms-challenge',
  'mfa-voice-challenge',
  'mfa-login-options',
  'mfa-recovery-code-challenge',
  'mfa-recovery-code-enrollment',
] as const;
export type MfaScreen = (typeof MFA_SCREENS)[number];

export const isMfaScreen = (value: string): value is MfaScreen => (MFA_SCREENS as readonly string[]).includes(value);

/** Enrolment: the user picks the channel when both can carry a code, else the one that can is implied. */
export function enrollmentScreen(channels: readonly MessageChannel[]): MfaScreen {
  if (channels.length === 1) return channels[0] === 'voice' ? 'mfa-voice-enrollment' : 'mfa-sms-enrollment';
  return 'mfa-phone-enrollment';
}

/** The code screen of a channel. */
export const challengeScreen = (channel: MessageChannel): MfaScreen => (channel === 'voice' ? 'mfa-voice-challenge' : 'mfa-sms-challenge');

/** The channel an enrolment screen implies (`undefined`: the user chooses, on mfa-phone-enrollment). */
export function channelOfEnrollmentScreen(screen: MfaScreen): MessageChannel | undefined {
  if (screen === 'mfa-sms-enrollment') return 'sms';
  if (screen === 'mfa-voice-enrollment') return 'voice';
  return undefined;
}
