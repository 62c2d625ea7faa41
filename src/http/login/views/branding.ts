import { normalizeHexColor, readableOr, readableTextOn } from './contrast.js';

/** The tenant's look, in Auth0's `/api/v2/branding` vocabulary (`colors.primary`, `colors.page_background`, `logo_url`). */
export interface PageBranding {
  /** The tenant's friendly name: the logo's alt text, or the heading when there is no logo. */
  name: string;
  logoUrl?: string;
  primaryColor?: string;
  pageBackground?: string;
}

const DEFAULT_PRIMARY = '#1d4ed8';
const DEFAULT_BACKGROUND = '#f4f5f7';
const CARD = '#ffffff';
const DEFAULT_LINK = '#1d4ed8';

/** The logo URL when it is an absolute http(s) URL (what `img-src` can name), else undefined. */
export function logoUrlOf(branding: PageBranding | undefined): URL | undefined {
  if (!branding?.logoUrl) return undefined;
  try {
    const url = new URL(branding.logoUrl);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tenant's colours as CSS custom properties, or '' when the tenant has none (the base style's defaults
 * apply). Only normalised `#rrggbb` values reach the CSS, so a colour cannot inject a rule. Text colours are
 * computed for WCAG AA: on the buttons, on the page background, and for links on the white card.
 */
export function themeCss(branding: PageBranding | undefined): string {
  const primary = normalizeHexColor(branding?.primaryColor);
  const background = normalizeHexColor(branding?.pageBackground);
  if (!primary && !background) return '';
  const p = primary ?? DEFAULT_PRIMARY;
  const bg = background ?? DEFAULT_BACKGROUND;
  return `:root{--primary:${p};--on-primary:${readableTextOn(p)};--link:${readableOr(p, CARD, DEFAULT_LINK)};--page:${bg};--on-page:${readableTextOn(bg)}}`;
}
