/**
 * Auth0's prompt custom text: per prompt and language, `{screen: {key: text}}`. Pure validation; the
 * service stores it and the login pages read the screens Guardline renders (`login-texts.ts`).
 */

/** Auth0's prompt names (Management API `prompt` path values), the ones its deploy tool walks. */
export const AUTH0_PROMPTS = [
  'login', 'login-id', 'login-password', 'login-passwordless', 'login-email-verification', 'signup', 'signup-id',
  'signup-password', 'phone-identifier-enrollment', 'phone-identifier-challenge', 'email-identifier-challenge',
  'reset-password', 'custom-form', 'consent', 'customized-consent', 'logout', 'mfa-push', 'mfa-otp', 'mfa-voice',
  'mfa-phone', 'mfa-webauthn', 'mfa-sms', 'mfa-email', 'mfa-recovery-code', 'mfa', 'status', 'device-flow',
  'email-verification', 'email-otp-challenge', 'organizations', 'invitation', 'common', 'captcha', 'passkeys',
  'brute-force-protection',
] as const;

export type Auth0Prompt = (typeof AUTH0_PROMPTS)[number];
export const isAuth0Prompt = (value: string): value is Auth0Prompt => (AUTH0_PROMPTS as readonly string[]).includes(value);

export type CustomText = Record<string, Record<string, string>>;

const LIMITS = { screens: 50, keysPerScreen: 100, textLength: 2000, nameLength: 100 };

/** `{screen: {key: text}}` with bounded sizes, or why not. Empty screens are dropped (Auth0 keeps none). */
export function checkCustomText(body: unknown): { texts: CustomText } | { problem: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { problem: 'custom text is an object of screens' };
  const screens = Object.entries(body);
  if (screens.length > LIMITS.screens) return { problem: `at most ${LIMITS.screens} screens` };
  const texts: CustomText = {};
  for (const [screen, keys] of screens) {
    if (!/^[a-z0-9-]+$/.test(screen) || screen.length > LIMITS.nameLength) return { problem: `"${screen}" is not a screen name` };
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) return { problem: `${screen}: an object of texts is expected` };
    const entries = Object.entries(keys);
    if (entries.length > LIMITS.keysPerScreen) return { problem: `${screen}: at most ${LIMITS.keysPerScreen} texts` };
    for (const [key, text] of entries) {
      if (!/^[A-Za-z0-9_-]+$/.test(key) || key.length > LIMITS.nameLength) return { problem: `${screen}: "${key}" is not a text key` };
      if (typeof text !== 'string' || text.length > LIMITS.textLength) return { problem: `${screen}.${key}: a text of at most ${LIMITS.textLength} characters is expected` };
    }
    if (entries.length > 0) texts[screen] = Object.fromEntries(entries) as Record<string, string>;
  }
  return { texts };
}
