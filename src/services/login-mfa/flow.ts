import type { MessageChannel, TemplateLocale } from '../../domain/message-templates.js';
import { LOGIN_PAGE_LIMITS } from '../../limits/rules.js';
import type { ClientRef } from '../phone-mfa/who.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { Guardian } from '../guardian.js';
import type { LoginSettingsService } from '../login-settings.js';
import type { MfaStage } from '../login-state.js';
import type { PhoneMfa, PhoneMfaRefusal } from '../phone-mfa/index.js';
import type { RememberedBrowsers } from '../remembered-browsers.js';
import type { Tenant } from '../tenants.js';
import { MFA_API_TOKEN_SECONDS } from '../user-tokens.js';
import { challengeScreen, enrollmentScreen, type MfaScreen } from './screens.js';

/** A login's second factor must be done within the phone core's transaction lifetime (10 minutes). */
export const MFA_TRANSACTION_MS = MFA_API_TOKEN_SECONDS * 1000;

/** The resend button waits this long after a code was sent (Auth0's own client-side wait is 10 s; see docs/login.md). */
export const RESEND_COOLDOWN_MS = 20_000;

/** The application a login is for, as the phone core records it (an enrolment ticket has none: `client_id` ''). */
export type LoginClient = ClientRef;

/** The core's refusals, plus the login pages' own: a resend before the cooldown, a page in a state it cannot show. */
export type LoginMfaRefusal =
  | PhoneMfaRefusal
  | { code: 'resend_too_soon'; retryAfterMs: number }
  | { code: 'no_channel' }
  | { code: 'invalid_code_format' }
  /** The recovery-code screen was submitted without "I have safely recorded this code". */
  | { code: 'not_confirmed' };

/**
 * What a step of the second factor leads to: a screen (with the refusal to show on it, if any), the factor proven
 * (the surface completes the login), or a transaction that cannot go on (expired, used, user blocked: the login starts again).
 */
export type LoginMfaStep =
  | { kind: 'screen'; screen: MfaScreen; stage: MfaStage; refusal?: LoginMfaRefusal }
  | { kind: 'proven'; userId: string; stage: MfaStage | undefined; remembered: boolean }
  | { kind: 'restart'; refusal: LoginMfaRefusal };

/** What a screen shows beyond its stage: what the tenant allows right now. */
export interface ScreenFacts {
  channels: MessageChannel[];
  enrolledChannelsOffered: boolean;
  recoveryCodeAvailable: boolean;
  rememberBrowserOffered: boolean;
  resendAvailableInSeconds: number;
  otpLength: number;
}

/**
 * The second factor of a Universal Login, over the transport-neutral phone core: which screen comes next, sending
 * and resending codes, switching channel, checking a code or a recovery code, remembering the browser. Returns
 * steps; the login surface renders them (src/http/login/mfa).
 */
export function createLoginMfa(
  { clock, store, limiter }: Pick<ServiceDeps, 'clock' | 'store' | 'limiter'>,
  { phoneMfa, guardian, loginSettings, rememberedBrowsers }: { phoneMfa: PhoneMfa; guardian: Guardian; loginSettings: LoginSettingsService; rememberedBrowsers: RememberedBrowsers },
) {
  const now = () => clock.now().getTime();

  async function open(tenant: Tenant, stage: MfaStage, client: LoginClient) {
    return phoneMfa.transactions.open(tenant, stage.transactionToken, { surface: 'universal_login', clientId: client.client_id });
  }

  /**
   * A refused step: the same screen with the refusal, unless the refusal ends the transaction (expired, used, user
   * blocked or gone, factor turned off), when the user starts the login again.
   */
  const ENDING: readonly PhoneMfaRefusal['code'][] = ['transaction_not_found', 'transaction_expired', 'transaction_used', 'wrong_transaction', 'user_gone', 'user_blocked', 'factor_disabled'];
  const refusedOn = (screen: MfaScreen, stage: MfaStage, refusal: PhoneMfaRefusal): LoginMfaStep =>
    ENDING.includes(refusal.code) ? { kind: 'restart', refusal } : { kind: 'screen', screen, stage, refusal };

  /** Sends a code on `channel`: a new enrolment (replacing a pending one) or a challenge to the enrolled phone. */
  async function send(tenant: Tenant, client: LoginClient, stage: MfaStage, channel: MessageChannel, screenOnError: MfaScreen, locale: TemplateLocale, context: RequestContext): Promise<LoginMfaStep> {
    const opened = await open(tenant, stage, client);
    if (!opened.ok) return { kind: 'restart', refusal: opened.refusal };
    const { transaction, user } = opened.value;
    if (stage.mode === 'enroll') {
      const started = await phoneMfa.beginEnrolment(tenant, transaction, user, { phoneNumber: stage.phone, channel, additional: false }, locale, context);
      if (!started.ok) return refusedOn(screenOnError, stage, started.refusal);
      const { oobCode, recoveryCode } = started.value;
      return {
        kind: 'screen',
        screen: challengeScreen(channel),
        stage: { ...stage, channel, oobCode, sentAt: now(), ...(recoveryCode ? { recoveryCode } : {}) },
      };
    }
    if (!stage.authenticatorId) return { kind: 'restart', refusal: { code: 'no_phone_authenticator' } };
    const sent = await phoneMfa.sendChallenge(tenant, transaction, user, client, { authenticator: stage.authenticatorId, channel }, locale, context);
    if (!sent.ok) return refusedOn(screenOnError, stage, sent.refusal);
    return { kind: 'screen', screen: challengeScreen(channel), stage: { ...stage, channel, oobCode: sent.value.oobCode, sentAt: now() } };
  }

  return {
    /**
     * After the password: a remembered browser skips the factor; otherwise a transaction starts and the first screen
     * is chosen — the code screen when one channel can carry it (the code is sent at once), the channel choice when
     * both can, enrolment when the user has no phone yet.
     */
    async begin(
      tenant: Tenant,
      client: LoginClient,
      user: UserWithConnection,
      request: { scope: string[]; audience: string | null },
      rememberToken: string | undefined,
      locale: TemplateLocale,
      context: RequestContext,
    ): Promise<LoginMfaStep> {
      const state = await phoneMfa.state(tenant, user.user_id);
      if (state.enrolledPhone && (await loginSettings.get(tenant)).rememberBrowser && (await rememberedBrowsers.recognise(tenant, user.user_id, rememberToken))) {
        return { kind: 'proven', userId: user.user_id, stage: undefined, remembered: true };
      }
      const transactionToken = await phoneMfa.transactions.start(tenant, client, user, request, 'universal_login', context);
      const base: MfaStage = { transactionToken, userId: user.user_id, mode: state.enrolledPhone ? 'challenge' : 'enroll' };
      if (!state.enrolledPhone) {
        if (state.channels.length === 0) return { kind: 'restart', refusal: { code: 'no_channel' } };
        return { kind: 'screen', screen: enrollmentScreen(state.channels), stage: base };
      }
      const stage: MfaStage = { ...base, authenticatorId: state.enrolledPhone.authenticatorId, phone: state.enrolledPhone.e164 };
      if (state.channels.length === 0) {
        return state.recoveryCode.enabled && state.recoveryCode.enrolled ? { kind: 'screen', screen: 'mfa-login-options', stage } : { kind: 'restart', refusal: { code: 'no_channel' } };
      }
      if (state.channels.length > 1) return { kind: 'screen', screen: 'mfa-phone-challenge', stage: { ...stage, channel: state.enrolledPhone.preferredMethod } };
      return send(tenant, client, stage, state.channels[0]!, 'mfa-login-options', locale, context);
    },

    /** An enrolment ticket: the same enrolment screens for the ticket's user, ending on a result page. */
    async beginTicket(tenant: Tenant, user: UserWithConnection, context: RequestContext): Promise<LoginMfaStep> {
      const state = await phoneMfa.state(tenant, user.user_id);
      if (state.enrolledPhone) return { kind: 'restart', refusal: { code: 'phone_already_enrolled' } };
      if (state.channels.length === 0) return { kind: 'restart', refusal: { code: 'no_channel' } };
      const transactionToken = await phoneMfa.transactions.start(tenant, TICKET_CLIENT, user, { scope: [], audience: null }, 'universal_login', context);
      return { kind: 'screen', screen: enrollmentScreen(state.channels), stage: { transactionToken, userId: user.user_id, mode: 'enroll' } };
    },

    /** The enrolment form: the number (already in E.164, or the parser's problem) and the channel. */
    async enrol(
      tenant: Tenant,
      client: LoginClient,
      stage: MfaStage,
      input: { phone: { ok: true; e164: string } | { ok: false; problem: 'missing' | 'not_e164' | 'extension' | 'invalid' }; channel: MessageChannel },
      screen: MfaScreen,
      locale: TemplateLocale,
      context: RequestContext,
    ): Promise<LoginMfaStep> {
      if (stage.mode !== 'enroll' || stage.verified) return { kind: 'restart', refusal: { code: 'transaction_used' } };
      if (!input.phone.ok) return { kind: 'screen', screen, stage, refusal: { code: 'invalid_phone', problem: input.phone.problem } };
      return send(tenant, client, { ...stage, phone: input.phone.e164 }, input.channel, screen, locale, context);
    },

    /** "Back" from the code screen of an enrolment: the number can be typed again (nothing is sent). */
    async restartEnrolment(tenant: Tenant, stage: MfaStage): Promise<LoginMfaStep> {
      const state = await phoneMfa.state(tenant, stage.userId);
      const { transactionToken, userId, phone } = stage;
      return { kind: 'screen', screen: enrollmentScreen(state.channels), stage: { transactionToken, userId, mode: 'enroll', ...(phone ? { phone } : {}) } };
    },

    /** Per-IP limit on the MFA screens' forms (src/limits/rules.ts), before any step runs. */
    async limitPrompt(tenant: Tenant, ip: string): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
      const taken = await limiter.take(LOGIN_PAGE_LIMITS.promptsPerIp, `${tenant.id}:${ip}`);
      return taken.allowed ? { ok: true } : { ok: false, retryAfterMs: taken.retryAfterMs };
    },

    /** mfa-phone-challenge: the channel the user picked. */
    pick(tenant: Tenant, client: LoginClient, stage: MfaStage, channel: MessageChannel, locale: TemplateLocale, context: RequestContext): Promise<LoginMfaStep> {
      return send(tenant, client, stage, channel, 'mfa-phone-challenge', locale, context);
    },

    /** "Resend" (same channel) or "or get a call" / "or send a text" (the other one), once the cooldown is over. */
    async resend(tenant: Tenant, client: LoginClient, stage: MfaStage, channel: MessageChannel, locale: TemplateLocale, context: RequestContext): Promise<LoginMfaStep> {
      const screen = challengeScreen(stage.channel ?? channel);
      const wait = (stage.sentAt ?? 0) + RESEND_COOLDOWN_MS - now();
      if (wait > 0) return { kind: 'screen', screen, stage, refusal: { code: 'resend_too_soon', retryAfterMs: wait } };
      return send(tenant, client, stage, channel, screen, locale, context);
    },

    /** The code screen's form. A right code proves the factor; a new enrolment first shows its recovery code. */
    async verify(tenant: Tenant, client: LoginClient, stage: MfaStage, code: string, rememberBrowser: boolean, context: RequestContext): Promise<LoginMfaStep> {
      const screen = challengeScreen(stage.channel ?? 'sms');
      const typed = code.replace(/[\s-]/g, '');
      if (typed === '') return { kind: 'screen', screen, stage, refusal: { code: 'invalid_code' } };
      if (!/^\d{4,10}$/.test(typed)) return { kind: 'screen', screen, stage, refusal: { code: 'invalid_code_format' } };
      if (!stage.oobCode) return { kind: 'screen', screen, stage, refusal: { code: 'invalid_challenge' } };
      const opened = await open(tenant, stage, client);
      if (!opened.ok) return { kind: 'restart', refusal: opened.refusal };
      const { transaction, user } = opened.value;
      const verified = await phoneMfa.verifyCode(tenant, transaction, user, client, { oobCode: stage.oobCode, code: typed }, context, async () => ({ value: undefined }));
      if (!verified.ok) return refusedOn(screen, stage, verified.refusal);
      const proven: MfaStage = { ...stage, verified: true, rememberBrowser, oobCode: undefined };
      if (verified.value.enrolled && stage.recoveryCode) return { kind: 'screen', screen: 'mfa-recovery-code-enrollment', stage: proven };
      const { recoveryCode: _shownNever, ...rest } = proven;
      return { kind: 'proven', userId: stage.userId, stage: rest, remembered: false };
    },

    /** "Try another method" → the recovery code. Success shows the next recovery code, once. */
    async recover(tenant: Tenant, client: LoginClient, stage: MfaStage, recoveryCode: string, context: RequestContext): Promise<LoginMfaStep> {
      const screen: MfaScreen = 'mfa-recovery-code-challenge';
      if (recoveryCode.trim() === '') return { kind: 'screen', screen, stage, refusal: { code: 'invalid_recovery_code' } };
      const opened = await open(tenant, stage, client);
      if (!opened.ok) return { kind: 'restart', refusal: opened.refusal };
      const { transaction, user } = opened.value;
      const used = await phoneMfa.useRecoveryCode(tenant, transaction, user, client, { recoveryCode }, context, async () => ({ value: undefined }));
      if (!used.ok) return refusedOn(screen, stage, used.refusal);
      return { kind: 'screen', screen: 'mfa-recovery-code-enrollment', stage: { ...stage, verified: true, oobCode: undefined, recoveryCode: used.value.recoveryCode } };
    },

    /** "I have safely recorded this code" → the factor is proven (the code leaves the state). */
    confirmRecorded(stage: MfaStage): LoginMfaStep {
      if (!stage.verified) return { kind: 'restart', refusal: { code: 'transaction_not_found' } };
      const { recoveryCode: _recorded, ...rest } = stage;
      return { kind: 'proven', userId: stage.userId, stage: rest, remembered: false };
    },

    /**
     * The one login a proven transaction ends in: true for the first call, false for a replayed page (the browser's
     * back button, a double submit). A remembered browser has no transaction to spend.
     */
    async claimCompletion(tenant: Tenant, stage: MfaStage | undefined): Promise<boolean> {
      if (!stage) return true;
      if (!stage.verified) return false;
      const transaction = await phoneMfa.transactions.find(tenant, stage.transactionToken, 'universal_login');
      return transaction !== undefined && transaction.user_id === stage.userId && (await store.loginCompletions.claim(transaction.id, clock.now().toISOString()));
    },

    /** What a screen shows beyond its stage. */
    async facts(tenant: Tenant, stage: MfaStage): Promise<ScreenFacts> {
      const [state, settings, { otpLength }] = await Promise.all([phoneMfa.state(tenant, stage.userId), loginSettings.get(tenant), guardian.settings(tenant)]);
      return {
        channels: state.channels,
        enrolledChannelsOffered: state.channels.length > 1,
        recoveryCodeAvailable: stage.mode === 'challenge' && state.recoveryCode.enabled && state.recoveryCode.enrolled,
        rememberBrowserOffered: settings.rememberBrowser && stage.mode === 'challenge',
        resendAvailableInSeconds: Math.max(0, Math.ceil(((stage.sentAt ?? 0) + RESEND_COOLDOWN_MS - now()) / 1000)),
        otpLength,
      };
    },
  };
}

/** Enrolment tickets belong to no application: events name none. */
export const TICKET_CLIENT: LoginClient = { client_id: '', name: '' };

export type LoginMfa = ReturnType<typeof createLoginMfa>;
