import { isIP } from 'node:net';
import { ValidationError } from '../errors/errors.js';
import type { BrandingRow } from '../store/repositories/branding.js';
import type { ConfigCache } from './config-cache.js';
import type { ServiceDeps } from './context.js';
import type { Tenant } from './tenants.js';

/**
 * A tenant's branding, Auth0's `/api/v2/branding` object: colours, logo, favicon and font. The login pages read
 * it through `forPages` on every render, so it is served from the tenant's versioned configuration cache (writes
 * bump `tenants.config_version` through migration 0007's triggers).
 */

/** Auth0's branding object; a field that is not set is left out. */
export interface BrandingView {
  colors?: { primary?: string; page_background?: string };
  favicon_url?: string;
  logo_url?: string;
  font?: { url: string };
}

/** A PATCH: a field left out is kept, `null` removes it; `colors` merges field by field. */
export interface BrandingPatch {
  colors?: { primary?: string | null; page_background?: string | null } | null;
  favicon_url?: string | null;
  logo_url?: string | null;
  font?: { url?: string | null } | null;
}

/** What a login page needs: the tenant's friendly name and the look it chose. */
export interface PageBranding {
  name: string;
  logoUrl?: string;
  primaryColor?: string;
  pageBackground?: string;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;
const MAX_URL_LENGTH = 2048;

function checkColor(field: string, value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined) return value;
  if (!COLOR.test(value)) throw new ValidationError(`${field}: "${value}" is not a colour of the form #rrggbb`);
  return value;
}

/** Browsers may load plain http from the machine itself (a laptop demo); anything else must be https. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function checkUrl(field: string, value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined) return value;
  const problem = `${field}: "${value.length > 80 ? `${value.slice(0, 80)}…` : value}" is not an https URL (http only on loopback)`;
  if (value.length > MAX_URL_LENGTH) throw new ValidationError(`${field}: longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(problem);
  }
  if (url.username || url.password) throw new ValidationError(`${field}: a URL with credentials is not allowed`);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return value;
  throw new ValidationError(problem);
}

function toView(row: BrandingRow | undefined): BrandingView {
  if (!row) return {};
  const colors = {
    ...(row.primary_color !== null ? { primary: row.primary_color } : {}),
    ...(row.page_background !== null ? { page_background: row.page_background } : {}),
  };
  return {
    ...(Object.keys(colors).length > 0 ? { colors } : {}),
    ...(row.favicon_url !== null ? { favicon_url: row.favicon_url } : {}),
    ...(row.logo_url !== null ? { logo_url: row.logo_url } : {}),
    ...(row.font_url !== null ? { font: { url: row.font_url } } : {}),
  };
}

/** `patch[field]` when sent (null included), else the stored value. */
const pick = <T>(sent: T | null | undefined, stored: T | null): T | null => (sent === undefined ? stored : sent);

export function createBranding({ store, clock }: ServiceDeps, { cache }: { cache: ConfigCache }) {
  const read = (tenant: Tenant) => cache.read(tenant, 'branding', () => store.branding.find(tenant.id));

  return {
    async get(tenant: Tenant): Promise<BrandingView> {
      return toView(await read(tenant));
    },

    /** Validates the whole patch first, so a refused one changes nothing; returns the whole object after it. */
    async update(tenant: Tenant, patch: BrandingPatch): Promise<BrandingView> {
      const colors = patch.colors === null ? { primary: null, page_background: null } : patch.colors;
      const font = patch.font === null ? { url: null } : patch.font;
      const primary = checkColor('colors.primary', colors?.primary);
      const background = checkColor('colors.page_background', colors?.page_background);
      const logo = checkUrl('logo_url', patch.logo_url);
      const favicon = checkUrl('favicon_url', patch.favicon_url);
      const fontUrl = checkUrl('font.url', font?.url);
      // Read from the database, not the cache: the merge must start from the committed row.
      const before = await store.branding.find(tenant.id);
      const row: BrandingRow = {
        tenant_id: tenant.id,
        primary_color: pick(primary, before?.primary_color ?? null),
        page_background: pick(background, before?.page_background ?? null),
        logo_url: pick(logo, before?.logo_url ?? null),
        favicon_url: pick(favicon, before?.favicon_url ?? null),
        font_url: pick(fontUrl, before?.font_url ?? null),
        updated_at: clock.now().toISOString(),
      };
      await store.branding.save(row);
      return toView(row);
    },

    /** For the login pages: the tenant's friendly name and whatever branding it set. */
    async forPages(tenant: Tenant): Promise<PageBranding> {
      const row = await read(tenant);
      return {
        name: tenant.friendlyName,
        ...(row?.logo_url ? { logoUrl: row.logo_url } : {}),
        ...(row?.primary_color ? { primaryColor: row.primary_color } : {}),
        ...(row?.page_background ? { pageBackground: row.page_background } : {}),
      };
    },
  };
}

export type Branding = ReturnType<typeof createBranding>;
