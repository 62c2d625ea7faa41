/**
 * Auth0's rules for `web_origins` and `allowed_origins`: an origin is a scheme (http or https), a host and an
 * optional port — no path, query, fragment or credentials. The leftmost label may be `*` (`https://*.example.com`),
 * which matches exactly one label in its place, like Auth0's wildcard subdomains.
 */

/** Why `value` is not an origin Auth0 would accept, or undefined when it is one. */
export function originProblem(value: string): string | undefined {
  if (!/^https?:\/\/[^/?#\s]+$/i.test(value)) return 'must be a scheme and host (and port) without a path';
  const wildcard = /^(https?:\/\/)\*\./i.exec(value);
  const concrete = wildcard ? value.replace('*.', 'wildcard.') : value;
  let url: URL;
  try {
    url = new URL(concrete);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (value.indexOf('*', wildcard ? wildcard[0].length : 0) !== -1) return 'may use * only as the leftmost label';
  return undefined;
}

/** `value` in the browser's serialisation (`Origin` header): lower-case host, default port dropped. */
function normalise(value: string): { scheme: string; host: string; port: string } | undefined {
  try {
    const url = new URL(value.replace('://*.', '://wildcard.'));
    const host = value.includes('://*.') ? url.hostname.replace(/^wildcard\./, '*.') : url.hostname;
    return { scheme: url.protocol, host, port: url.port };
  } catch {
    return undefined;
  }
}

/** True when the `Origin` header `origin` is one of `allowed` (exactly, or under a wildcard label). */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  const actual = normalise(origin);
  if (!actual || actual.host.includes('*')) return false;
  return allowed.some((entry) => {
    const pattern = normalise(entry);
    if (!pattern || pattern.scheme !== actual.scheme || pattern.port !== actual.port) return false;
    if (!pattern.host.startsWith('*.')) return pattern.host === actual.host;
    const suffix = pattern.host.slice(1); // ".example.com"
    const label = actual.host.slice(0, -suffix.length);
    return actual.host.endsWith(suffix) && label.length > 0 && !label.includes('.');
  });
}
