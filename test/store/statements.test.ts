import { describe, expect, it } from 'vitest';
import { PASSWORD, createClient, createUser, tokenRequest } from '../auth/helpers.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { challenge, enablePhoneFactor, enrollPhone, latestCode, oobExchange, US_MOBILE } from '../mfa/support.js';
import { DIALECTS, useTestContext, type TestContext } from '../support/harness.js';

/**
 * The SQL statements of one MFA login (password grant, `POST /mfa/challenge`, mfa-oob exchange), counted at the
 * store boundary, transaction control included. Each statement is a round trip to PostgreSQL (and a prepare and a
 * step on SQLite), so a change that adds one shows up here and has to be argued for.
 */
const statements: string[] = [];
let counting = false;
const observeStatements = (sql: string) => {
  if (counting) statements.push(sql);
};

async function counted<T>(work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  statements.length = 0;
  counting = true;
  try {
    const result = await work();
    return { result, sql: [...statements] };
  } finally {
    counting = false;
  }
}

/** One login of an enrolled user, each step's statements counted. */
async function countLogin(ctx: TestContext, confidential: boolean) {
  const client = await createClient(ctx, {
    grant_types: ['password', GRANT_TYPES.mfaOob, GRANT_TYPES.mfaRecoveryCode],
    ...(confidential ? {} : { app_type: 'native', token_endpoint_auth_method: 'none' }),
  });
  const user = await createUser(ctx);
  const clientAuth: Record<string, string> = confidential ? { client_id: client.client_id, client_secret: client.client_secret! } : { client_id: client.client_id };
  const actors = { client, user, clientAuth };
  await enrollPhone(ctx, actors as Parameters<typeof enrollPhone>[1]);

  const password = await counted(() => tokenRequest(ctx, { grant_type: 'password', ...clientAuth, username: user.email, password: PASSWORD, scope: 'openid profile' }));
  expect(password.result.statusCode).toBe(403);
  const mfaToken = password.result.json().mfa_token as string;

  const sent = await counted(() => challenge(ctx, clientAuth, mfaToken));
  expect(sent.result.statusCode).toBe(200);

  const code = await latestCode(ctx, US_MOBILE);
  const exchange = await counted(() => oobExchange(ctx, clientAuth, mfaToken, sent.result.json().oob_code, code));
  expect(exchange.result.statusCode).toBe(200);
  return { password: password.sql, challenge: sent.sql, exchange: exchange.sql };
}

const counts = (login: Awaited<ReturnType<typeof countLogin>>) => ({ password: login.password.length, challenge: login.challenge.length, exchange: login.exchange.length });

/**
 * Before this was counted (issue 8, after the hardening work): SQLite public 16 / 19 / 22, confidential
 * 18 / 21 / 24; PostgreSQL public 16 / 22 / 28, confidential 18 / 24 / 30 (password / challenge / exchange).
 * A confidential client cost two more then: its failure buckets (by client id and by IP) were read one by one.
 * On PostgreSQL every limiter take is `begin`, `set local synchronous_commit to off`, the upsert, `commit`.
 * After the statement cuts: SQLite 13 / 16 / 18 and 15 / 18 / 20, PostgreSQL 13 / 19 / 24 and 15 / 21 / 26,
 * PostgreSQL + Redis 10 / 13 / 12. The versioned configuration cache (config-cache.ts) then took out, with a warm
 * cache: the client (every request), brute-force settings (password), factors and settings (password, challenge),
 * the current signing key (exchange); and a confidential client's two failure buckets are read in one statement
 * (`limiter.peekAll`), so it costs no more statements than a public client.
 */
/*
 * Issue 9 (delivery ledger): the challenge runs one more statement on every back end, the ledger row of its one
 * attempt (`insert into delivery_attempts`). It is a single multi-row insert whatever the number of hops, next to the
 * single multi-row insert of the send's events; the built-in provider has no provider configuration, so no circuit
 * breaker read is added on this path. (A configured chain adds one limiter peek per hop for the breaker.)
 */
/*
 * Issue 12 (fraud guard): the send's limits are one `takeAll` — the user's bucket and the per-IP velocity bucket (the
 * harness turns per-number velocity off) in one transaction: SQLite +3 (begin, the second upsert, commit), PostgreSQL
 * +1 (the second upsert inside the transaction a take already had), Redis 0 (one Lua call). The exchange looks up the
 * verified code's number for the pumping detector's completion rate (+1 everywhere); the counter itself is written
 * off the request path, batched once a second (phone-fraud/guard.ts).
 * The password grant peeks the address's suspicious-IP bucket before the password is checked: +1 on SQLite and
 * PostgreSQL, 0 with Redis (the peek is a Redis read).
 */
const EXPECTED = {
  sqlite: { public: { password: 11, challenge: 18, exchange: 17 }, confidential: { password: 11, challenge: 18, exchange: 17 } },
  postgres: { public: { password: 11, challenge: 19, exchange: 23 }, confidential: { password: 11, challenge: 19, exchange: 23 } },
  'postgres+redis': { public: { password: 7, challenge: 12, exchange: 11 }, confidential: { password: 7, challenge: 12, exchange: 11 } },
} as const;

const CASES = [...DIALECTS.map((dialect) => ({ dialect, label: dialect, limiter: 'sql' as const })), { dialect: 'postgres' as const, label: 'postgres+redis' as const, limiter: 'redis' as const }];

describe.each(CASES)('statements per MFA request ($label)', ({ dialect, label, limiter }) => {
  const ctx = useTestContext(dialect, { observeStatements, limiter });

  it.each(['public', 'confidential'] as const)('%s client: password grant, challenge and exchange run exactly the counted statements', async (kind) => {
    await enablePhoneFactor(ctx());
    const login = await countLogin(ctx(), kind === 'confidential');
    if (process.env.SHOW_STATEMENTS) console.log(label, kind, JSON.stringify(process.env.SHOW_STATEMENTS === 'all' ? login : counts(login)));
    expect(counts(login), JSON.stringify(login, null, 1)).toEqual(EXPECTED[label][kind]);
  });
});
