/**
 * Reads each user's authentication methods from an Auth0 tenant's Management API
 * (`GET /api/v2/users/{id}/authentication-methods`, scope `read:authentication_methods`): the one place Auth0
 * shows a phone enrolment's full number. Used by `guardline users from-auth0 --auth0-domain …`.
 *
 * Auth0 limits the Management API per tenant and answers 429 with `x-ratelimit-reset` (epoch seconds) or
 * `retry-after`; this waits as told and tries again, a few requests at a time. Any other failure stops the run
 * with the user it was for: a half-read set of enrolments would make some users enrol again without saying so.
 */

export interface EnrolmentSource {
  /** `https://tenant.eu.auth0.com` (or any Auth0-compatible Management API, such as another Guardline). */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Requests in flight at once (Auth0's lower plans allow 2 per second on this API; default 2). */
  concurrency?: number;
  /** Longest wait for one 429 before giving up (ms; default 60 s). */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

const MAX_ATTEMPTS = 8;

function waitFor(response: Response, now: number): number {
  const reset = Number(response.headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  const retryAfter = Number(response.headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  return 1000;
}

export async function fetchAuthenticationMethods(source: EnrolmentSource, userIds: string[]): Promise<Map<string, unknown[]>> {
  const doFetch = source.fetch ?? fetch;
  const sleep = source.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWait = source.maxWaitMs ?? 60_000;
  const base = source.baseUrl.replace(/\/+$/, '');
  const result = new Map<string, unknown[]>();
  let next = 0;
  let done = 0;

  async function one(userId: string): Promise<unknown[]> {
    for (let attempt = 1; ; attempt++) {
      const response = await doFetch(`${base}/api/v2/users/${encodeURIComponent(userId)}/authentication-methods`, {
        headers: { authorization: `Bearer ${source.token}`, accept: 'application/json' },
      });
      if (response.status === 429 && attempt < MAX_ATTEMPTS) {
        await response.body?.cancel();
        await sleep(Math.min(waitFor(response, Date.now()), maxWait));
        continue;
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return [];
      }
      if (!response.ok) {
        const text = (await response.text()).slice(0, 300);
        throw new Error(`reading the authentication methods of ${userId} failed: HTTP ${response.status} ${text}`);
      }
      const body: unknown = await response.json();
      // Auth0 answers an array, or `{authenticators: [...]}` with include_totals.
      if (Array.isArray(body)) return body;
      if (typeof body === 'object' && body !== null && Array.isArray((body as { authenticators?: unknown }).authenticators)) {
        return (body as { authenticators: unknown[] }).authenticators;
      }
      throw new Error(`reading the authentication methods of ${userId} failed: the answer is not a list`);
    }
  }

  async function worker(): Promise<void> {
    while (next < userIds.length) {
      const userId = userIds[next++]!;
      result.set(userId, await one(userId));
      source.onProgress?.(++done, userIds.length);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, source.concurrency ?? 2) }, worker));
  return result;
}
