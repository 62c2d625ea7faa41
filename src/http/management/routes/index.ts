import type { Services } from '../../../services/index.js';
import type { App } from '../../types.js';
import absentFeatures from './absent-features/index.js';
import createAction from './actions/create.js';
import listActions from './actions/list.js';
import getAction from './actions/get.js';
import updateAction from './actions/update.js';
import deleteAction from './actions/delete.js';
import deployAction from './actions/deploy.js';
import listActionVersions from './actions/list-versions.js';
import getActionVersion from './actions/get-version.js';
import deployActionVersion from './actions/deploy-version.js';
import listActionTriggers from './actions/list-triggers.js';
import listActionBindings from './actions/list-bindings.js';
import updateActionBindings from './actions/update-bindings.js';
import getActionExecution from './actions/get-execution.js';
import getActionSettings from './actions/get-settings.js';
import updateActionSettings from './actions/update-settings.js';
import createAuthenticationMethod from './authentication-methods/create.js';
import deleteAllAuthenticationMethods from './authentication-methods/delete-all.js';
import deleteAuthenticationMethod from './authentication-methods/delete.js';
import getAuthenticationMethod from './authentication-methods/get.js';
import listAuthenticationMethods from './authentication-methods/list.js';
import createClientGrant from './client-grants/create.js';
import deleteClientGrant from './client-grants/delete.js';
import listClientGrants from './client-grants/list.js';
import updateClientGrant from './client-grants/update.js';
import createClient from './clients/create.js';
import deleteClient from './clients/delete.js';
import getClient from './clients/get.js';
import listClients from './clients/list.js';
import rotateClientSecret from './clients/rotate-secret.js';
import updateClient from './clients/update.js';
import getConnection from './connections/get.js';
import listConnectionClients from './connections/list-clients.js';
import listConnections from './connections/list.js';
import updateConnectionClients from './connections/update-clients.js';
import updateConnection from './connections/update.js';
import createUsersExport from './jobs/create-export.js';
import createUsersImport from './jobs/create-import.js';
import getJobErrors from './jobs/errors.js';
import getJob from './jobs/get.js';
import clearDevInbox from './dev-inbox/clear.js';
import listDevInbox from './dev-inbox/list.js';
import createEnrollmentTicket from './enrollments/create-ticket.js';
import deleteUserAuthenticators from './enrollments/delete-for-user.js';
import deleteEnrollment from './enrollments/delete.js';
import getEnrollment from './enrollments/get.js';
import listUserEnrollments from './enrollments/list-for-user.js';
import regenerateRecoveryCode from './enrollments/regenerate-recovery-code.js';
import getPhoneMessageTypes from './guardian/get-message-types.js';
import getPhoneSettings from './guardian/get-phone-settings.js';
import getMfaPolicies from './guardian/get-policies.js';
import getSelectedProvider from './guardian/get-selected-provider.js';
import getTemplates from './guardian/get-templates.js';
import getTestNumbers from './guardian/get-test-numbers.js';
import getTwilio from './guardian/get-twilio.js';
import listGuardianFactors from './guardian/list-factors.js';
import resetTemplates from './guardian/reset-templates.js';
import updateGuardianFactor from './guardian/update-factor.js';
import updatePhoneMessageTypes from './guardian/update-message-types.js';
import updatePhoneSettings from './guardian/update-phone-settings.js';
import updateMfaPolicies from './guardian/update-policies.js';
import updateSelectedProvider from './guardian/update-selected-provider.js';
import updateTemplates from './guardian/update-templates.js';
import updateTestNumbers from './guardian/update-test-numbers.js';
import updateTwilio from './guardian/update-twilio.js';
import voiceFallback from './guardian/voice-fallback.js';
import otpAutofill from './guardian/otp-autofill.js';
import createCustomDomain from './custom-domains/create.js';
import deleteCustomDomain from './custom-domains/delete.js';
import getCustomDomain from './custom-domains/get.js';
import listCustomDomains from './custom-domains/list.js';
import updateCustomDomain from './custom-domains/update.js';
import getResourceServer from './resource-servers/get.js';
import listResourceServers from './resource-servers/list.js';
import updateResourceServer from './resource-servers/update.js';
import getSigningKey from './keys/get.js';
import listSigningKeys from './keys/list.js';
import revokeSigningKey from './keys/revoke.js';
import rotateSigningKey from './keys/rotate.js';
import getLog from './logs/get.js';
import listLogs from './logs/list.js';
import createLogStream from './log-streams/create.js';
import listLogStreams from './log-streams/list.js';
import getLogStream from './log-streams/get.js';
import updateLogStream from './log-streams/update.js';
import deleteLogStream from './log-streams/delete.js';
import getTenantSettings from './tenants/get-settings.js';
import updateTenantSettings from './tenants/update-settings.js';
import createUser from './users/create.js';
import deleteUser from './users/delete.js';
import getUser from './users/get.js';
import listUsersByEmail from './users/list-by-email.js';
import listUsers from './users/list.js';
import listUserLogs from './users/logs.js';
import updateUser from './users/update.js';
import invalidateRememberBrowser from './users/invalidate-remember-browser.js';
import getPromptSettings from './prompts/get.js';
import getCustomText from './prompts/get-custom-text.js';
import setCustomText from './prompts/set-custom-text.js';
import updatePromptSettings from './prompts/update.js';
import getBranding from './branding/get.js';
import updateBranding from './branding/update.js';
import getBruteForce from './attack-protection/get-brute-force.js';
import updateBruteForce from './attack-protection/update-brute-force.js';
import getSuspiciousIp from './attack-protection/get-suspicious-ip.js';
import updateSuspiciousIp from './attack-protection/update-suspicious-ip.js';
import getPhoneProviderProtection from './attack-protection/get-phone-provider-protection.js';
import updatePhoneProviderProtection from './attack-protection/update-phone-provider-protection.js';
import getPhoneFraud from './attack-protection/get-phone-fraud.js';
import updatePhoneFraud from './attack-protection/update-phone-fraud.js';
import listPrefixBlocks from './attack-protection/list-prefix-blocks.js';
import putPrefixBlock from './attack-protection/put-prefix-block.js';
import deletePrefixBlock from './attack-protection/delete-prefix-block.js';
import listUsageTriggers from './attack-protection/list-usage-triggers.js';
import createUsageTrigger from './attack-protection/create-usage-trigger.js';
import getUsageTrigger from './attack-protection/get-usage-trigger.js';
import deleteUsageTrigger from './attack-protection/delete-usage-trigger.js';
import deleteUserBlocks from './user-blocks/delete.js';
import deleteUserBlocksForUser from './user-blocks/delete-for-user.js';
import listUserBlocks from './user-blocks/list.js';
import listUserBlocksForUser from './user-blocks/list-for-user.js';
import getPhoneDelivery from './phone-deliveries/get.js';
import listPhoneDeliveries from './phone-deliveries/list.js';
import createPhoneProvider from './phone-providers/create.js';
import deletePhoneProvider from './phone-providers/delete.js';
import getPhoneProvider from './phone-providers/get.js';
import listPhoneProviders from './phone-providers/list.js';
import tryPhoneProvider from './phone-providers/try.js';
import updatePhoneProvider from './phone-providers/update.js';
import createPhoneTemplate from './phone-templates/create.js';
import getPhoneTemplate from './phone-templates/get.js';
import listPhoneTemplates from './phone-templates/list.js';
import resetPhoneTemplate from './phone-templates/reset.js';
import updatePhoneTemplate from './phone-templates/update.js';

export type ManagementRoute = (app: App, services: Services) => void;

/** Every Management API route, one module each. Adding a route = adding its module here. */
export const MANAGEMENT_ROUTES: ManagementRoute[] = [
  // Auth0 features Guardline does not have, answered as for a tenant without them
  absentFeatures,
  // clients
  createClient,
  listClients,
  getClient,
  updateClient,
  deleteClient,
  rotateClientSecret,
  // users
  createUser,
  listUsers,
  listUsersByEmail,
  getUser,
  updateUser,
  deleteUser,
  listUserLogs,
  invalidateRememberBrowser,
  // jobs (users import and export)
  createUsersImport,
  createUsersExport,
  getJob,
  getJobErrors,
  // client grants
  createClientGrant,
  listClientGrants,
  updateClientGrant,
  deleteClientGrant,
  // logs
  listLogs,
  getLog,
  // log streams (Auth0's http type)
  createLogStream,
  listLogStreams,
  getLogStream,
  updateLogStream,
  deleteLogStream,
  // tenant settings
  getTenantSettings,
  updateTenantSettings,
  // prompts (Universal Login settings)
  getPromptSettings,
  updatePromptSettings,
  getCustomText,
  setCustomText,
  // signing keys
  listSigningKeys,
  getSigningKey,
  rotateSigningKey,
  revokeSigningKey,
  // custom domains (the tenant's other hosts)
  listCustomDomains,
  getCustomDomain,
  createCustomDomain,
  updateCustomDomain,
  deleteCustomDomain,
  // resource servers (the system APIs)
  listResourceServers,
  getResourceServer,
  updateResourceServer,
  // connections
  listConnections,
  getConnection,
  listConnectionClients,
  updateConnectionClients,
  updateConnection,
  // guardian (MFA factors; the phone factor's sms/* twins are registered with their phone/* routes)
  listGuardianFactors,
  updateGuardianFactor,
  getPhoneMessageTypes,
  updatePhoneMessageTypes,
  getSelectedProvider,
  updateSelectedProvider,
  getTwilio,
  updateTwilio,
  getTemplates,
  updateTemplates,
  resetTemplates,
  getPhoneSettings,
  updatePhoneSettings,
  getTestNumbers,
  updateTestNumbers,
  voiceFallback,
  otpAutofill,
  getMfaPolicies,
  updateMfaPolicies,
  // guardian enrollments and users' authenticators
  getEnrollment,
  deleteEnrollment,
  createEnrollmentTicket,
  listUserEnrollments,
  deleteUserAuthenticators,
  regenerateRecoveryCode,
  // users' authentication methods
  listAuthenticationMethods,
  getAuthenticationMethod,
  createAuthenticationMethod,
  deleteAllAuthenticationMethods,
  deleteAuthenticationMethod,
  // dev inbox (Guardline extension)
  listDevInbox,
  clearDevInbox,
  // branding (the login pages' look)
  getBranding,
  updateBranding,
  // attack protection: brute-force settings and the blocks they write
  getBruteForce,
  updateBruteForce,
  // attack protection: Auth0's suspicious IP throttling and phone provider protection, Guardline's phone fraud rules
  getSuspiciousIp,
  updateSuspiciousIp,
  getPhoneProviderProtection,
  updatePhoneProviderProtection,
  getPhoneFraud,
  updatePhoneFraud,
  listPrefixBlocks,
  putPrefixBlock,
  deletePrefixBlock,
  listUsageTriggers,
  createUsageTrigger,
  getUsageTrigger,
  deleteUsageTrigger,
  listUserBlocks,
  deleteUserBlocks,
  listUserBlocksForUser,
  deleteUserBlocksForUser,
  // Unified Phone providers (the delivery chain)
  listPhoneProviders,
  createPhoneProvider,
  getPhoneProvider,
  updatePhoneProvider,
  createAction,
  listActions,
  getAction,
  updateAction,
  deleteAction,
  deployAction,
  listActionVersions,
  getActionVersion,
  deployActionVersion,
  listActionTriggers,
  listActionBindings,
  updateActionBindings,
  getActionExecution,
  getActionSettings,
  updateActionSettings,
  deletePhoneProvider,
  tryPhoneProvider,
  // Unified Phone templates (the guardian templates, another shape)
  listPhoneTemplates,
  createPhoneTemplate,
  getPhoneTemplate,
  updatePhoneTemplate,
  resetPhoneTemplate,
  // the delivery ledger (Guardline extension)
  listPhoneDeliveries,
  getPhoneDelivery,
];
