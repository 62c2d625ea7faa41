/**
 * The Universal Login screens: pure `(model) => string` renderers, one module per screen (Auth0's screen
 * names), sharing `layout.ts`. Send them with `sendPage(reply, status, html, { formTargets, branding })`.
 */
export type { PageBranding } from './branding.js';
export { MFA_ERROR_KEYS, type MfaErrorKey } from './errors.js';
export type { ScreenModel } from './form.js';
export { loginPage, type LoginPageModel } from './login.js';
export { errorPage } from './error.js';
export { mfaPhoneEnrollmentPage, mfaSmsEnrollmentPage, mfaVoiceEnrollmentPage, type PhoneEnrollmentModel } from './phone-enrollment.js';
export { mfaSmsChallengePage, mfaVoiceChallengePage, type CodeChallengeModel } from './code-challenge.js';
export { mfaPhoneChallengePage, type PhoneChallengeModel } from './phone-challenge.js';
export { mfaLoginOptionsPage, type LoginOption, type LoginOptionsModel } from './login-options.js';
export { mfaRecoveryCodeChallengePage, type RecoveryCodeChallengeModel } from './recovery-code-challenge.js';
export { mfaRecoveryCodeEnrollmentPage, type RecoveryCodeEnrollmentModel } from './recovery-code-enrollment.js';
export { mfaEnrollResultPage, mfaEnrollTicketErrorPage, type EnrollResultModel, type EnrollTicketErrorModel, type TicketProblem } from './enroll-result.js';
