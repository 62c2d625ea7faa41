import { Type } from '@sinclair/typebox';
import { SUPPORTED_LOCALES, type Tenant } from '../../../../services/tenants.js';
import { StrictObject } from '../../../schemas.js';

const Locale = Type.Union(SUPPORTED_LOCALES.map((l) => Type.Literal(l)));

/** The part of Auth0's tenant settings Guardline has: the name shown to users and the languages offered. */
export const TenantSettings = Type.Object({
  friendly_name: Type.String(),
  enabled_locales: Type.Array(Type.String()),
});

export const TenantSettingsUpdateBody = StrictObject({
  friendly_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  // As in Auth0, the first locale is the default one.
  enabled_locales: Type.Optional(Type.Array(Locale, { minItems: 1, uniqueItems: true })),
});

export function tenantSettings(tenant: Tenant) {
  return {
    friendly_name: tenant.friendlyName,
    enabled_locales: [tenant.defaultLocale, ...tenant.supportedLocales.filter((l) => l !== tenant.defaultLocale)],
  };
}
