import { Type } from '@sinclair/typebox';
import type { LoginSettings } from '../../../../services/login-settings.js';

/**
 * Auth0's prompt settings (`/api/v2/prompts`). Guardline has one experience (the new Universal Login) and no
 * identifier-first or WebAuthn-first login, so those read as Auth0's values for such a tenant and only they may be
 * written back. `mfa_remember_browser` is a Guardline extension (docs/login.md): Auth0 sets it per login in a
 * post-login Action (`allowRememberBrowser`).
 */
export const PromptSettings = Type.Object({
  universal_login_experience: Type.Literal('new'),
  identifier_first: Type.Boolean(),
  webauthn_platform_first_factor: Type.Boolean(),
  mfa_remember_browser: Type.Boolean(),
});

export const PromptSettingsUpdateBody = Type.Object(
  {
    universal_login_experience: Type.Optional(Type.Literal('new')),
    identifier_first: Type.Optional(Type.Literal(false)),
    webauthn_platform_first_factor: Type.Optional(Type.Literal(false)),
    mfa_remember_browser: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function promptSettings(settings: LoginSettings) {
  return { universal_login_experience: 'new' as const, identifier_first: false, webauthn_platform_first_factor: false, mfa_remember_browser: settings.rememberBrowser };
}
