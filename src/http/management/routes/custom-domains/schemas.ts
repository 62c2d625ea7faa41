import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

export const CustomDomain = Type.Object({
  custom_domain_id: Type.String(),
  domain: Type.String(),
  primary: Type.Boolean(),
  status: Type.String(),
  type: Type.String(),
  tls_policy: Type.String(),
});

export const CustomDomainIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** What Auth0 lets a custom domain change; Guardline has one TLS policy and takes the client IP from its proxy setting. */
export const CustomDomainPatch = StrictObject({
  tls_policy: Type.Optional(Type.Literal('recommended')),
  custom_client_ip_header: Type.Optional(Type.Null({ description: 'Guardline reads client addresses as GUARDLINE_TRUST_PROXY says; only null is accepted' })),
  domain_metadata: Type.Optional(Type.Record(Type.String({ maxLength: 255 }), Type.String({ maxLength: 255 }), { maxProperties: 0, description: 'Not stored: only {} is accepted' })),
});
