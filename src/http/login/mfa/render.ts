import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../services/index.js';
import type { MfaScreen } from '../../../services/login-mfa/screens.js';
import { challengeScreen, enrollmentScreen } from '../../../services/login-mfa/screens.js';
import type { Tenant } from '../../../services/tenants.js';
import { screenOverrides } from '../../../i18n/custom-text.js';
import { sendPage } from '../html.js';
import {
  mfaLoginOptionsPage,
  mfaPhoneChallengePage,
  mfaPhoneEnrollmentPage,
  mfaRecoveryCodeChallengePage,
  mfaRecoveryCodeEnrollmentPage,
  mfaSmsChallengePage,
  mfaSmsEnrollmentPage,
  mfaVoiceChallengePage,
  mfaVoiceEnrollmentPage,
  type LoginOption,
  type MfaErrorKey,
  type PageBranding,
  type ScreenModel,
} from '../views/index.js';
import { csrfTokenFor, type OpenedPage } from './page-state.js';

/** The tenant's look for its pages (`/api/v2/branding`, friendly name). */
export function pageBranding(services: Services, tenant: Tenant): Promise<PageBranding> {
  return services.branding.forPages(tenant);
}

/**
 * The screen a stage can show: the one asked for when the stage is there, else where the stage is (a reloaded or
 * bookmarked URL never shows a screen out of order, such as the recovery code before the phone is proven).
 */
function screenFor(requested: MfaScreen, page: OpenedPage, channels: readonly ('sms' | 'voice')[]): MfaScreen {
  const stage = page.state.mfa!;
  if (stage.verified) return 'mfa-recovery-code-enrollment';
  const codeInFlight = stage.oobCode !== undefined && stage.channel !== undefined;
  if (requested === 'mfa-recovery-code-enrollment') return codeInFlight ? challengeScreen(stage.channel!) : stage.mode === 'enroll' ? enrollmentScreen(channels) : 'mfa-phone-challenge';
  if (requested === 'mfa-sms-challenge' || requested === 'mfa-voice-challenge') {
    if (codeInFlight) return challengeScreen(stage.channel!);
    return stage.mode === 'enroll' ? enrollmentScreen(channels) : 'mfa-phone-challenge';
  }
  if (stage.mode === 'enroll') return requested.endsWith('-enrollment') ? requested : enrollmentScreen(channels);
  return requested.endsWith('-enrollment') ? 'mfa-phone-challenge' : requested;
}

/** Renders an MFA screen from its stage and what the tenant allows now, with the form's fresh state and CSRF token. */
export async function renderMfaScreen(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  requested: MfaScreen,
  page: OpenedPage,
  { status, error, typed }: { status: number; error?: MfaErrorKey | undefined; typed?: { phone?: string | undefined; country?: string | undefined } },
): Promise<FastifyReply> {
  const { tenant } = request;
  const stage = page.state.mfa!;
  const [facts, branding] = await Promise.all([services.loginMfa.facts(tenant, stage), pageBranding(services, tenant)]);
  const screen = screenFor(requested, page, facts.channels);
  const state = await services.loginState.seal(tenant, page.state, page.binding, new Date(page.state.expiresAt));
  const texts = screenOverrides(screen, await services.promptTexts.forLanguage(tenant, page.state.locale));
  const base: ScreenModel = { locale: page.state.locale, branding, state, csrf: csrfTokenFor(services, page.binding), texts, ...(error ? { error } : {}) };
  const phoneNumber = stage.phone ?? '';
  const options: LoginOption[] = [...facts.channels, ...(facts.recoveryCodeAvailable ? (['recovery-code'] as const) : [])];
  const tryAnother = stage.mode === 'challenge' && options.length > 1;
  const enrollment = { ...base, ...(typed?.phone !== undefined ? { phone: typed.phone } : {}), ...(typed?.country ? { country: typed.country } : {}) };
  const challenge = {
    ...base,
    phoneNumber,
    otpLength: facts.otpLength,
    showRememberDevice: facts.rememberBrowserOffered,
    resendAvailableInSeconds: facts.resendAvailableInSeconds,
    showLinkVoice: facts.channels.includes('voice'),
    showLinkSms: facts.channels.includes('sms'),
    showTryAnotherMethod: tryAnother,
  };
  const html = ((): string => {
    switch (screen) {
      case 'mfa-phone-enrollment':
        return mfaPhoneEnrollmentPage({ ...enrollment, type: stage.channel ?? 'sms' });
      case 'mfa-sms-enrollment':
        return mfaSmsEnrollmentPage(enrollment);
      case 'mfa-voice-enrollment':
        return mfaVoiceEnrollmentPage(enrollment);
      case 'mfa-phone-challenge':
        return mfaPhoneChallengePage({ ...base, phoneNumber, showTryAnotherMethod: facts.recoveryCodeAvailable });
      case 'mfa-sms-challenge':
        return mfaSmsChallengePage(challenge);
      case 'mfa-voice-challenge':
        return mfaVoiceChallengePage(challenge);
      case 'mfa-login-options':
        return mfaLoginOptionsPage({ ...base, options, showBack: stage.oobCode !== undefined });
      case 'mfa-recovery-code-challenge':
        return mfaRecoveryCodeChallengePage({ ...base, showTryAnotherMethod: options.length > 1 });
      case 'mfa-recovery-code-enrollment':
        return mfaRecoveryCodeEnrollmentPage({ ...base, recoveryCode: stage.recoveryCode ?? '' });
    }
  })();
  // The code and recovery screens' posts can end in the redirect to the application: form-action must allow its origin.
  return sendPage(reply, status, html, { branding, formTargets: page.state.req ? [new URL(page.state.req.redirectUri).origin] : [] });
}
