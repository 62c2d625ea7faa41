import { mfaEn } from './mfa.en.js';

/**
 * English texts of every page Guardline renders. This is the reference catalogue: its keys are the message
 * keys, and every other locale must define each of them (see `./catalogue.ts`). `{name}` marks a variable.
 */
export const en = {
  'login.title': 'Log in',
  'login.heading': 'Welcome',
  'login.lead': 'Log in to {tenant} to continue to {application}.',
  'login.username': 'Email address or username',
  'login.password': 'Password',
  'login.submit': 'Continue',
  'login.error.wrong_credentials': 'Wrong email or password.',
  'login.error.blocked': 'Your account has been blocked. Contact the administrator of {tenant}.',
  'login.error.missing_fields': 'Enter your email address or username and your password.',
  'login.error.too_many_attempts': 'Your account has been blocked after multiple consecutive login attempts. Contact the administrator of {tenant} to unblock it.',
  'error.title': 'Something went wrong',
  'error.back': 'Go back to the application and try again.',
  'error.unknown_client': 'The application is unknown (client_id "{clientId}").',
  'error.missing_client_id': 'The request does not say which application it is for (client_id is missing).',
  'error.missing_redirect_uri': 'The request has no redirect_uri.',
  'error.redirect_uri_mismatch': 'The callback URL "{redirectUri}" is not among the allowed callback URLs of the application.',
  'error.mfa_unavailable': 'This account must confirm its login with a code sent to its phone, and this sign-in page cannot ask for one yet. Sign in through the application, which uses the MFA API.',
  'error.transaction_expired': 'This login page has expired or was opened in another window. Go back to the application and log in again.',
  'error.bad_request': 'The request could not be understood.',
  'error.no_tenant': 'No tenant is served at this address.',
  'error.internal': 'An internal error occurred (request {requestId}).',
  'error.unavailable': 'The service is temporarily unavailable. Wait a few seconds and try again.',
  'authorize.web_origin_not_allowed': 'The origin of "{redirectUri}" is not among the allowed web origins of the application, so the login result cannot be sent to it.',
  'authorize.form_post.title': 'Continue to the application',
  'authorize.form_post.lead': 'If the application does not open by itself, press Continue.',
  'authorize.form_post.submit': 'Continue',
  'logout.title': 'Logged out',
  'logout.heading': 'You have logged out',
  'logout.lead': 'You are no longer logged in to {tenant}. You can close this window.',
  'logout.return_to_not_allowed': 'You have logged out, but "{returnTo}" is not among the allowed logout URLs, so this page cannot send you back there.',
  'error.too_many_requests': 'Too many requests from your network. Wait a minute and try again.',
  'mfa.ticket.already_enrolled': 'Your account already has a phone for verification. If you need to change it, ask the administrator of {tenant}.',
  // Universal Login MFA screens (the `mfa.` block lives in its own file).
  ...mfaEn,
} as const;
