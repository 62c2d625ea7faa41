/**
 * Auth0 Management API resources Guardline does not have, and how each answers, so that Auth0's own tools
 * (a0deploy, Terraform) skip them the way they skip a feature an Auth0 tenant lacks instead of failing:
 *
 * - `not-enabled`: 403 `feature_not_enabled`, Auth0's answer for a feature outside a tenant's plan;
 * - `deprecated`: 403 naming the deprecated feature, Auth0's answer for rules and hooks on tenants created
 *   after their end of life;
 * - `empty`: the list answers with no entries (Auth0's answer for a tenant that has none), for resources whose
 *   tools accept no refusal; creating one is still refused with `feature_not_enabled`;
 * - `not-configured`: 404, Auth0's answer for a singleton never configured (the email provider);
 * - `off`: a settings singleton that reads as switched off (`offBody`); writing back values it has (it off) is
 *   accepted, anything else (switching it on) is `feature_not_enabled`.
 *
 * Every write to these paths answers `feature_not_enabled`. Each entry names the scope Auth0 checks first.
 */
import type { ManagementScope } from '../../../../domain/scopes.js';

export type AbsentAnswer = 'not-enabled' | 'deprecated' | 'empty' | 'not-configured' | 'off';

export interface AbsentFeature {
  /** What a person calls it, for the messages. */
  feature: string;
  /** The collection (or singleton) path under /api/v2. */
  path: string;
  readScope: ManagementScope;
  writeScope: ManagementScope;
  answer: AbsentAnswer;
  /** The list's key in Auth0's paged envelope (`empty` lists). */
  listKey?: string;
  /** Sub-collections a0deploy reads per entry or per parent; answered like the parent. */
  also?: string[];
  /** Auth0's exact wording where a tool matches on it. */
  message?: string;
  /** `off` singletons: what a read answers. */
  offBody?: Record<string, unknown>;
}

export const ABSENT_FEATURES: AbsentFeature[] = [
  { feature: 'Rules', path: '/rules', readScope: 'read:rules', writeScope: 'update:rules', answer: 'deprecated' },
  { feature: 'Rules configs', path: '/rules-configs', readScope: 'read:rules_configs', writeScope: 'update:rules_configs', answer: 'deprecated' },
  { feature: 'Hooks', path: '/hooks', readScope: 'read:hooks', writeScope: 'update:hooks', answer: 'deprecated' },
  { feature: 'Roles', path: '/roles', readScope: 'read:roles', writeScope: 'create:roles', answer: 'empty', listKey: 'roles' },
  { feature: 'Organizations', path: '/organizations', readScope: 'read:organizations', writeScope: 'create:organizations', answer: 'empty', listKey: 'organizations' },
  { feature: 'Action modules', path: '/actions/modules', readScope: 'read:actions', writeScope: 'update:actions', answer: 'not-enabled' },
  { feature: 'Directory provisioning', path: '/connections-directory-provisionings', readScope: 'read:connections', writeScope: 'update:connections', answer: 'not-enabled' },
  { feature: 'Prompt partials', path: '/prompts/:prompt/partials', readScope: 'read:prompts', writeScope: 'update:prompts', answer: 'not-enabled' },
  { feature: 'Advanced Customizations for Universal Login', path: '/prompts/rendering', readScope: 'read:prompts', writeScope: 'update:prompts', answer: 'not-enabled' },
  { feature: 'Network ACLs', path: '/network-acls', readScope: 'read:network_acls', writeScope: 'update:network_acls', answer: 'not-enabled' },
  { feature: 'Rate limit policies', path: '/rate-limit-policies', readScope: 'read:rate_limit_policies', writeScope: 'update:rate_limit_policies', answer: 'not-enabled' },
  { feature: 'User attribute profiles', path: '/user-attribute-profiles', readScope: 'read:user_attribute_profiles', writeScope: 'update:user_attribute_profiles', answer: 'not-enabled' },
  { feature: 'Connection profiles', path: '/connection-profiles', readScope: 'read:connection_profiles', writeScope: 'update:connection_profiles', answer: 'not-enabled' },
  { feature: 'Token exchange profiles', path: '/token-exchange-profiles', readScope: 'read:token_exchange_profiles', writeScope: 'update:token_exchange_profiles', answer: 'not-enabled' },
  {
    feature: 'Breached password detection',
    path: '/attack-protection/breached-password-detection',
    readScope: 'read:attack_protection',
    writeScope: 'update:attack_protection',
    answer: 'off',
    offBody: { enabled: false, shields: [], admin_notification_frequency: [], method: 'standard', stage: { 'pre-user-registration': { shields: [] }, 'pre-change-password': { shields: [] } } },
  },
  { feature: 'Bot detection', path: '/attack-protection/bot-detection', readScope: 'read:attack_protection', writeScope: 'update:attack_protection', answer: 'not-enabled' },
  { feature: 'Captcha', path: '/attack-protection/captcha', readScope: 'read:attack_protection', writeScope: 'update:attack_protection', answer: 'not-enabled' },
  { feature: 'Supplemental signals', path: '/supplemental-signals', readScope: 'read:attack_protection', writeScope: 'update:attack_protection', answer: 'not-enabled' },
  { feature: 'Risk assessment', path: '/risk-assessments/settings', readScope: 'read:attack_protection', writeScope: 'update:attack_protection', answer: 'off', offBody: { enabled: false } },
  { feature: 'Risk assessment for new devices', path: '/risk-assessments/settings/new-device', readScope: 'read:attack_protection', writeScope: 'update:attack_protection', answer: 'off', offBody: { remember_for: 0 } },
  { feature: 'Email provider', path: '/emails/provider', readScope: 'read:email_provider', writeScope: 'update:email_provider', answer: 'not-configured' },
  { feature: 'Email templates', path: '/email-templates', readScope: 'read:email_templates', writeScope: 'update:email_templates', answer: 'not-configured' },
  { feature: 'Themes', path: '/branding/themes', readScope: 'read:branding', writeScope: 'update:branding', answer: 'not-configured', also: ['/branding/templates/universal-login'] },
  { feature: 'Event streams', path: '/event-streams', readScope: 'read:event_streams', writeScope: 'create:event_streams', answer: 'empty', listKey: 'eventStreams' },
  { feature: 'Forms', path: '/forms', readScope: 'read:forms', writeScope: 'create:forms', answer: 'empty', listKey: 'forms' },
  { feature: 'Flows', path: '/flows', readScope: 'read:flows', writeScope: 'create:flows', answer: 'empty', listKey: 'flows' },
  { feature: 'Flows vault connections', path: '/flows/vault/connections', readScope: 'read:flows_vault_connections', writeScope: 'create:flows_vault_connections', answer: 'empty', listKey: 'connections' },
  { feature: 'Self-service SSO profiles', path: '/self-service-profiles', readScope: 'read:self_service_profiles', writeScope: 'create:self_service_profiles', answer: 'empty', listKey: 'self_service_profiles' },
];
