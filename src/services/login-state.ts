import { EncryptJWT, jwtDecrypt } from 'jose';
import { hashToken } from '../crypto/secret-box.js';
import type { MessageChannel } from '../domain/message-templates.js';
import { newId } from '../domain/ids.js';
import { LOGIN_TRANSACTION_SECONDS, type AuthorizationRequest } from './authorization.js';
import type { ServiceDeps } from './context.js';
import type { Locale, Tenant } from './tenants.js';
import { issuedInFuture } from './tokens.js';

/** Where a browser is in the second factor of a login (or of an enrolment ticket). */
export interface MfaStage {
  /** The opaque token of the login's MFA transaction (phone-mfa core; never usable on the MFA API). */
  transactionToken: string;
  userId: string;
  /** Enrolling a phone (no confirmed phone yet), or proving the one enrolled. */
  mode: 'enroll' | 'challenge';
  /** The enrolled phone (challenge mode), or the number being enrolled (E.164, enrol mode). */
  authenticatorId?: string;
  phone?: string;
  /** The channel of the code in flight, and its challenge. */
  channel?: MessageChannel;
  oobCode?: string;
  /** When that code was sent (ms since the epoch): the resend button's countdown starts there. */
  sentAt?: number;
  /** The recovery code issued with this enrolment, shown once after the phone is confirmed. */
  recoveryCode?: string;
  /** The second factor is proven; only the recovery-code confirmation (if any) is left. */
  verified?: boolean;
  /** The user ticked "Remember this device" on the code screen. */
  rememberBrowser?: boolean;
}

/**
 * What a login page's hidden `state` field carries between requests: the validated authorization request (absent
 * for an enrolment ticket, which ends on a result page instead of a redirect) and the second-factor stage.
 */
export interface LoginState {
  req?: AuthorizationRequest;
  mfa?: MfaStage;
  /** The page language (the authorization request's, or negotiated for an enrolment ticket). */
  locale: Locale;
  /** When the login must be finished (ms since the epoch): the sealed state expires then. */
  expiresAt: number;
}

/**
 * Seals the login state for the page: an encrypted JWT (`dir` + A256GCM, key derived from the instance secret; jose),
 * bound to the tenant and to the browser's binding cookie, expiring with the login. Encrypted, not just signed:
 * the state carries the MFA transaction's token and, for one screen, the new recovery code.
 */
export function createLoginStateSealer({ clock, secretBox, random }: Pick<ServiceDeps, 'clock' | 'secretBox' | 'random'>) {
  const key = secretBox.derive('login-state');
  return {
    /**
     * The state of a new login form (`/authorize`): the validated request, for 15 minutes, bound to a new browser
     * binding whose value the caller sets as the binding cookie.
     */
    async begin(tenant: Tenant, req: AuthorizationRequest): Promise<{ sealed: string; binding: string }> {
      const binding = newId.opaqueToken(random);
      const expiresAt = clock.now().getTime() + LOGIN_TRANSACTION_SECONDS * 1000;
      return { sealed: await this.seal(tenant, { req, locale: req.locale, expiresAt }, binding, new Date(expiresAt)), binding };
    },

    async seal(tenant: Tenant, state: LoginState, binding: string, expiresAt: Date): Promise<string> {
      const iat = Math.floor(clock.now().getTime() / 1000);
      return new EncryptJWT({ st: state, bnd: hashToken(binding) })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: 'guardline-login-state+jwt' })
        .setIssuer(tenant.issuer)
        .setAudience(tenant.id)
        .setIssuedAt(iat)
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .encrypt(key);
    },

    /** The state, or undefined when it is forged, expired, for another tenant, or not bound to this browser. */
    async open(tenant: Tenant, sealed: string, binding: string | undefined): Promise<LoginState | undefined> {
      if (!binding || sealed.length > 16_384) return undefined;
      try {
        const { payload } = await jwtDecrypt(sealed, key, {
          issuer: tenant.issuer,
          audience: tenant.id,
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          requiredClaims: ['exp'],
          currentDate: clock.now(),
        });
        // A state "issued" in the future was not sealed by this clock (see tokens.ts).
        if (issuedInFuture(payload, clock.now())) return undefined;
        if (payload.bnd !== hashToken(binding)) return undefined;
        return payload.st as LoginState;
      } catch {
        return undefined;
      }
    },
  };
}

export type LoginStateSealer = ReturnType<typeof createLoginStateSealer>;
