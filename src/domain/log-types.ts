/**
 * The catalogue of event log types, in Auth0's codes (reference §7 and Auth0's log event type list).
 * Every state change in Guardline writes one of these; `docs/events.md` lists them (a test keeps the two equal).
 */
export const LOG_TYPES = {
  // Authentication
  s: { event: 'Success Login', category: 'auth.login.success' },
  f: { event: 'Failed Login', category: 'auth.login.fail' },
  fp: { event: 'Incorrect Password', category: 'auth.login.fail' },
  fu: { event: 'Invalid Username or Email', category: 'auth.login.fail' },
  limit_wc: { event: 'Blocked Account', category: 'system.notification' },
  seccft: { event: 'Success Exchange (Client Credentials for Access Token)', category: 'auth.token_exchange.success' },
  feccft: { event: 'Failed Exchange (Client Credentials for Access Token)', category: 'auth.token_exchange.fail' },
  sepft: { event: 'Success Exchange (Password for Access Token)', category: 'auth.token_exchange.success' },
  fepft: { event: 'Failed Exchange (Password for Access Token)', category: 'auth.token_exchange.fail' },
  seacft: { event: 'Success Exchange (Authorization Code for Access Token)', category: 'auth.token_exchange.success' },
  feacft: { event: 'Failed Exchange (Authorization Code for Access Token)', category: 'auth.token_exchange.fail' },
  sertft: { event: 'Success Exchange (Refresh Token for Access Token)', category: 'auth.token_exchange.success' },
  fertft: { event: 'Failed Exchange (Refresh Token for Access Token)', category: 'auth.token_exchange.fail' },
  ferrt: { event: 'Failed Exchange (Rotating Refresh Token)', category: 'auth.token_exchange.fail' },
  ssa: { event: 'Success Silent Auth', category: 'auth.silent_auth.success' },
  fsa: { event: 'Failed Silent Auth', category: 'auth.silent_auth.fail' },
  slo: { event: 'Success Logout', category: 'auth.logout.success' },
  // Management API
  sapi: { event: 'Success API Operation', category: 'management.success' },
  fapi: { event: 'Failed API Operation', category: 'management.fail' },
  // Users
  ss: { event: 'Success Signup', category: 'user.notification' },
  sdu: { event: 'Successful User Deletion', category: 'user.notification' },
  // MFA / Guardian (reference §7)
  mfar: { event: 'MFA Required', category: 'auth.login.notification' },
  gd_send_sms: { event: 'MFA SMS Sent', category: 'other' },
  gd_send_sms_failure: { event: 'Error Sending MFA SMS', category: 'other' },
  gd_send_voice: { event: 'MFA voice call success', category: 'other' },
  gd_send_voice_failure: { event: 'MFA voice call failed', category: 'other' },
  gd_start_enroll: { event: 'MFA Enroll started', category: 'user.notification' },
  gd_start_enroll_failed: { event: 'MFA Enrollment Failed', category: 'user.notification' },
  gd_enrollment_complete: { event: 'MFA enrollment complete', category: 'user.notification' },
  gd_start_auth: { event: 'Second factor started', category: 'other' },
  gd_auth_succeed: { event: 'MFA Auth success', category: 'other' },
  gd_auth_failed: { event: 'MFA Auth failed', category: 'other' },
  gd_otp_rate_limit_exceed: { event: 'Too many MFA failures', category: 'other' },
  gd_unenroll: { event: 'Unenroll device account', category: 'user.notification' },
  gd_update_device_account: { event: 'Update device account', category: 'user.notification' },
  gd_tenant_update: { event: 'Guardian tenant update', category: 'other' },
  seoobft: { event: 'Success Exchange (Password and OOB Challenge for Access Token)', category: 'auth.token_exchange.success' },
  feoobft: { event: 'Failed Exchange (Password and OOB Challenge for Access Token)', category: 'auth.token_exchange.fail' },
  limit_phone: { event: 'Too many phone messages', category: 'system.notification' },
  limit_mu: { event: 'Blocked IP Address', category: 'system.notification' },
  // Guardline's toll-fraud defence (no Auth0 equivalent): a send refused by a fraud rule, and an alert
  gl_phone_refused: { event: 'Phone message refused by a fraud rule', category: 'system.notification' },
  gl_fraud_alert: { event: 'Toll-fraud alert', category: 'system.notification' },
  gd_recovery_succeed: { event: 'MFA Recovery success', category: 'other' },
  gd_recovery_failed: { event: 'MFA Recovery failed', category: 'other' },
  gd_recovery_rate_limit_exceed: { event: 'MFA Recovery failed (rate limit)', category: 'other' },
  sercft: { event: 'Success Exchange (Password and MFA Recovery code for Access Token)', category: 'auth.token_exchange.success' },
  fercft: { event: 'Failed Exchange (Password and MFA Recovery code for Access Token)', category: 'auth.token_exchange.fail' },
} as const satisfies Record<string, { event: string; category: string }>;

export type LogType = keyof typeof LOG_TYPES;
