import { createHash } from 'node:crypto';

/**
 * A tenant's custom domain in Auth0's shape. Guardline serves a custom domain behind the operator's own TLS
 * (a proxy, or GUARDLINE_TLS_CERT): Auth0's `self_managed_certs`, ready as soon as it is mapped. Its id is derived
 * from the name, so that the mapping table needs no second key.
 */
export interface CustomDomainView {
  custom_domain_id: string;
  domain: string;
  primary: boolean;
  status: 'ready';
  type: 'self_managed_certs';
  tls_policy: 'recommended';
}

export const customDomainId = (domain: string) => `cd_${createHash('sha256').update(domain).digest('base64url').slice(0, 16)}`;

/** The first domain (by name) is the primary one, as Auth0 marks its first. */
export function customDomainViews(rows: { domain: string }[]): CustomDomainView[] {
  return rows.map((row, index) => ({
    custom_domain_id: customDomainId(row.domain),
    domain: row.domain,
    primary: index === 0,
    status: 'ready',
    type: 'self_managed_certs',
    tls_policy: 'recommended',
  }));
}
