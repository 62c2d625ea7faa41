import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { convertAuth0Export, parseJsonLines } from '../../domain/auth0-export.js';
import { fetchAuthenticationMethods } from '../auth0-enrolments.js';
import { CliError, EXIT } from '../cli-error.js';
import type { CliIo } from '../io.js';

export interface UsersFromAuth0Options {
  /** Auth0's bulk user export (ndjson, gzipped or not). */
  users: string;
  /** Auth0's password hash export (ndjson), from a support ticket. */
  passwordHashes?: string;
  /** Authentication methods already read: ndjson of `{user_id, authentication_methods: [...]}`. */
  enrolments?: string;
  /** Read the authentication methods from this Auth0 domain (token in AUTH0_MANAGEMENT_TOKEN). */
  auth0Domain?: string;
  connection?: string;
  out: string;
  fetch?: typeof fetch;
}

async function readLines(io: CliIo, path: string, what: string): Promise<unknown[]> {
  const full = isAbsolute(path) ? path : resolve(io.cwd, path);
  let bytes: Buffer;
  try {
    bytes = await readFile(full);
  } catch (err) {
    throw new CliError(`cannot read the ${what} ${path}: ${(err as Error).message}`);
  }
  // Auth0's export downloads are gzipped; accept both.
  const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  try {
    return parseJsonLines(text);
  } catch (err) {
    throw new CliError(`the ${what} ${path} is not ndjson or a JSON array: ${(err as Error).message}`);
  }
}

function baseUrlOf(domain: string): string {
  return /^https?:\/\//.test(domain) ? domain : `https://${domain}`;
}

/**
 * `guardline users from-auth0`: joins Auth0's user export, its password hash export and each user's phone
 * enrolments into one file for `guardline users import` / `POST /api/v2/jobs/users-imports` (docs/migrating-from-auth0.md).
 */
export async function usersFromAuth0Command(io: CliIo, options: UsersFromAuth0Options): Promise<void> {
  if (options.enrolments && options.auth0Domain) throw new CliError('use --enrolments or --auth0-domain, not both', EXIT.usage);
  const users = await readLines(io, options.users, 'user export');
  const passwordHashes = options.passwordHashes ? await readLines(io, options.passwordHashes, 'password hash export') : undefined;

  let authenticationMethods: Map<string, unknown[]> | undefined;
  if (options.enrolments) {
    authenticationMethods = new Map();
    for (const line of await readLines(io, options.enrolments, 'enrolments file')) {
      const entry = line as { user_id?: unknown; authentication_methods?: unknown };
      if (typeof entry.user_id === 'string' && Array.isArray(entry.authentication_methods)) authenticationMethods.set(entry.user_id, entry.authentication_methods);
    }
  } else if (options.auth0Domain) {
    const token = io.env.AUTH0_MANAGEMENT_TOKEN;
    if (!token) throw new CliError('--auth0-domain needs a Management API token (scope read:authentication_methods) in AUTH0_MANAGEMENT_TOKEN', EXIT.usage);
    const ids = users.flatMap((user) => {
      const id = (user as { user_id?: unknown }).user_id;
      return typeof id === 'string' && id.startsWith('auth0|') ? [id] : [];
    });
    io.err(`Reading the phone enrolments of ${ids.length} users from ${options.auth0Domain}…`);
    let lastShown = 0;
    authenticationMethods = await fetchAuthenticationMethods(
      {
        baseUrl: baseUrlOf(options.auth0Domain),
        token,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        onProgress: (done, total) => {
          if (done === total || done - lastShown >= 100) {
            lastShown = done;
            io.err(`  ${done}/${total}`);
          }
        },
      },
      ids,
    );
  }

  const result = convertAuth0Export({
    users,
    ...(passwordHashes ? { passwordHashes } : {}),
    ...(authenticationMethods ? { authenticationMethods } : {}),
    ...(options.connection ? { connection: options.connection } : {}),
  });
  const out = isAbsolute(options.out) ? options.out : resolve(io.cwd, options.out);
  await writeFile(out, `${JSON.stringify(result.users, null, 1)}\n`, { mode: 0o600 });

  const { counts } = result;
  io.out(`${counts.converted} of ${counts.exported} users written to ${options.out}: ${counts.withPassword} with a password hash, ${counts.withPhone} with a phone enrolment, ${counts.skipped} skipped.`);
  for (const note of result.notes.slice(0, 50)) io.out(`  ${note.kind === 'skipped' ? 'skipped' : 'partial'}  ${note.user}: ${note.reason}`);
  if (result.notes.length > 50) io.out(`  … and ${result.notes.length - 50} more notes`);
  if (passwordHashes === undefined) io.out('No password hash export given: imported users will have to reset their passwords.');
}
