import type { Locale } from '../services/tenants.js';

/** The primary language subtag, lower-cased: `ja-JP` → `ja`. */
const primary = (tag: string) => tag.trim().toLowerCase().split('-')[0] ?? '';

/** `Accept-Language` → tags ordered by preference (q-values; ties keep their written order; q=0 dropped). */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((e) => e.tag && e.tag !== '*' && e.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((e) => e.tag);
}

/**
 * The page locale: the first of `ui_locales` (space-separated, OIDC) the tenant supports, then the first
 * `Accept-Language` entry it supports, then the tenant's default locale.
 */
export function negotiateLocale(
  tenant: { defaultLocale: Locale; supportedLocales: Locale[] },
  uiLocales: string | undefined,
  acceptLanguage: string | undefined,
): Locale {
  const supported = (tag: string) => tenant.supportedLocales.find((l) => l === primary(tag));
  for (const tag of (uiLocales ?? '').split(/\s+/).filter(Boolean)) {
    const hit = supported(tag);
    if (hit) return hit;
  }
  for (const tag of parseAcceptLanguage(acceptLanguage)) {
    const hit = supported(tag);
    if (hit) return hit;
  }
  return tenant.defaultLocale;
}
