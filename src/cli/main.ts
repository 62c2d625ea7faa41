import { parseArgs } from 'node:util';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import { CliError, EXIT } from './cli-error.js';
import { clientCreateCommand } from './commands/client-create.js';
import { demoCommand } from './commands/demo.js';
import { migrateCommand } from './commands/migrate.js';
import { startCommand } from './commands/start.js';
import { tenantCreateCommand } from './commands/tenant-create.js';
import { userCreateCommand } from './commands/user-create.js';
import { usersFromAuth0Command } from './commands/users-from-auth0.js';
import { usersExportCommand, usersImportCommand } from './commands/users-jobs.js';
import { processIo, type CliIo } from './io.js';

export const USAGE = `Usage: guardline <command> [options]

Commands:
  start                              Run the server (embedded mode migrates and bootstraps on first run)
  migrate                            Apply pending database migrations
  demo                               Run the server and a sample web application to log in to (docs/demo.md)
      --port <port>                  The sample application's port on 127.0.0.1 (default: 3001)
      --no-mfa                       Do not ask for a phone code at login
  tenant create <name>               Create a tenant and print its admin application's credentials
      --friendly-name <text>         Display name (default: the name)
      --default-locale <en|ja>       Default locale (default: en)
      --domain <host>                Also serve the tenant on this custom domain
  client create --name <name>        Create an application
      --tenant <name>                Tenant (default: the default tenant)
      --type <t>                     non_interactive | regular_web | spa | native (default: regular_web)
      --grant-types <a,b>            Allowed grant types (default: Auth0's for the type)
      --callbacks <url,url>          Allowed callback URLs
      --management-scopes <all|a,b>  Grant Management API scopes (machine-to-machine)
  user create --email <email>        Create a user in the default database connection
      --tenant <name>                Tenant (default: the default tenant)
      --username <name>              Username
      --password-stdin               Read the password from standard input (recommended)
      --password <password>          Password (visible to other local users in ps)
      --locale <en|ja>               Preferred locale
  users import <file> --connection <name>
                                     Import users (Auth0's bulk import file, JSON array or ndjson) with a progress bar
      --tenant <name>                Tenant (default: the default tenant)
      --upsert                       Update users that already exist instead of reporting them
  users export --out <file>          Export users (Auth0's export format, un-gzipped)
      --format <json|csv>            json (ndjson, default) or csv
      --fields <a,b>                 Fields (default: Auth0's set); mfa_factors gives masked phones
      --include-secrets              Full phone numbers and password_hash for a Guardline → Guardline move (sensitive)
      --connection <name>            Only this connection's users
  users from-auth0 --users <file> --out <file>
                                     Join Auth0's user export, password hash export and phone enrolments
                                     into one users import file (docs/migrating-from-auth0.md)
      --password-hashes <file>       Auth0's password hash export (ndjson, from a support ticket)
      --auth0-domain <domain>        Read each user's phone enrolments from this Auth0 tenant
                                     (token with read:authentication_methods in AUTH0_MANAGEMENT_TOKEN)
      --enrolments <file>            …or from a file of {user_id, authentication_methods} lines
      --connection <name>            Only this database connection's users

Configuration comes from GUARDLINE_* environment variables: see docs/configuration.md.
Exit codes: 0 success, 1 failure, 2 usage error, 3 invalid configuration.`;

const list = (value: string | undefined) => value?.split(',').map((s) => s.trim()).filter(Boolean);

function parse(args: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = {}) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${USAGE}`, EXIT.usage);
  }
}

const GROUPS = new Set(['tenant', 'client', 'user', 'users']);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Runs one CLI invocation; returns the exit code instead of exiting so tests can call it in-process. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command = '', sub, ...rest] = argv;
  // `tenant`, `client` and `user` take a sub-command (`create`); the others stand alone.
  const key = GROUPS.has(command) ? `${command} ${sub ?? ''}` : command;
  try {
    switch (key) {
      case 'start':
        parse(argv.slice(1));
        await startCommand(io);
        return EXIT.ok;
      case 'demo': {
        const { values } = parse(argv.slice(1), { port: { type: 'string' }, 'no-mfa': { type: 'boolean' } });
        const portText = str(values.port);
        const port = portText === undefined ? undefined : Number(portText);
        if (port !== undefined && (!/^\d{1,5}$/.test(portText!) || port > 65535)) throw new CliError(`--port must be a port number (0–65535)\n\n${USAGE}`, EXIT.usage);
        await demoCommand(io, { ...(port !== undefined ? { port } : {}), mfa: values['no-mfa'] !== true });
        return EXIT.ok;
      }
      case 'migrate':
        parse(argv.slice(1));
        await migrateCommand(io);
        return EXIT.ok;
      case 'tenant create': {
        const { values, positionals } = parse(rest, {
          'friendly-name': { type: 'string' },
          'default-locale': { type: 'string' },
          domain: { type: 'string' },
        });
        const name = positionals[0];
        if (!name || positionals.length > 1) throw new CliError(`tenant create needs exactly one name\n\n${USAGE}`, EXIT.usage);
        const friendlyName = str(values['friendly-name']);
        const defaultLocale = str(values['default-locale']);
        const domain = str(values.domain);
        await tenantCreateCommand(io, { name, ...(friendlyName ? { friendlyName } : {}), ...(defaultLocale ? { defaultLocale } : {}), ...(domain ? { domain } : {}) });
        return EXIT.ok;
      }
      case 'client create': {
        const { values } = parse(rest, {
          tenant: { type: 'string' },
          name: { type: 'string' },
          type: { type: 'string' },
          'grant-types': { type: 'string' },
          callbacks: { type: 'string' },
          'management-scopes': { type: 'string' },
        });
        const name = str(values.name);
        if (!name) throw new CliError(`client create needs --name\n\n${USAGE}`, EXIT.usage);
        const tenant = str(values.tenant);
        const type = str(values.type);
        const grantTypes = list(str(values['grant-types']));
        const callbacks = list(str(values.callbacks));
        const managementScopes = list(str(values['management-scopes']));
        await clientCreateCommand(io, {
          name,
          ...(tenant ? { tenant } : {}),
          ...(type ? { type } : {}),
          ...(grantTypes ? { grantTypes } : {}),
          ...(callbacks ? { callbacks } : {}),
          ...(managementScopes ? { managementScopes } : {}),
        });
        return EXIT.ok;
      }
      case 'user create': {
        const { values } = parse(rest, {
          tenant: { type: 'string' },
          email: { type: 'string' },
          username: { type: 'string' },
          password: { type: 'string' },
          'password-stdin': { type: 'boolean' },
          locale: { type: 'string' },
        });
        const email = str(values.email);
        if (!email) throw new CliError(`user create needs --email\n\n${USAGE}`, EXIT.usage);
        const tenant = str(values.tenant);
        const username = str(values.username);
        const password = str(values.password);
        const locale = str(values.locale);
        await userCreateCommand(io, {
          email,
          ...(tenant ? { tenant } : {}),
          ...(username ? { username } : {}),
          ...(password ? { password } : {}),
          ...(locale ? { locale } : {}),
          passwordStdin: values['password-stdin'] === true,
        });
        return EXIT.ok;
      }
      case 'users import': {
        const { values, positionals } = parse(rest, { connection: { type: 'string' }, tenant: { type: 'string' }, upsert: { type: 'boolean' } });
        const connection = str(values.connection);
        if (positionals.length !== 1 || !connection) throw new CliError(`users import needs one file and --connection\n\n${USAGE}`, EXIT.usage);
        const tenant = str(values.tenant);
        return await usersImportCommand(io, { file: positionals[0]!, connection, upsert: values.upsert === true, tty: process.stderr.isTTY === true, ...(tenant ? { tenant } : {}) });
      }
      case 'users export': {
        const { values, positionals } = parse(rest, {
          out: { type: 'string' },
          format: { type: 'string' },
          fields: { type: 'string' },
          connection: { type: 'string' },
          tenant: { type: 'string' },
          'include-secrets': { type: 'boolean' },
        });
        const out = str(values.out);
        const format = str(values.format);
        if (!out || positionals.length > 0) throw new CliError(`users export needs --out\n\n${USAGE}`, EXIT.usage);
        if (format !== undefined && format !== 'json' && format !== 'csv') throw new CliError(`--format must be json or csv\n\n${USAGE}`, EXIT.usage);
        const fields = list(str(values.fields));
        const connection = str(values.connection);
        const tenant = str(values.tenant);
        await usersExportCommand(io, {
          out,
          ...(format ? { format } : {}),
          ...(fields ? { fields } : {}),
          ...(connection ? { connection } : {}),
          ...(tenant ? { tenant } : {}),
          includeSecrets: values['include-secrets'] === true,
        });
        return EXIT.ok;
      }
      case 'users from-auth0': {
        const { values, positionals } = parse(rest, {
          users: { type: 'string' },
          'password-hashes': { type: 'string' },
          enrolments: { type: 'string' },
          'auth0-domain': { type: 'string' },
          connection: { type: 'string' },
          out: { type: 'string' },
        });
        const users = str(values.users);
        const out = str(values.out);
        if (!users || !out || positionals.length > 0) throw new CliError(`users from-auth0 needs --users and --out\n\n${USAGE}`, EXIT.usage);
        const passwordHashes = str(values['password-hashes']);
        const enrolments = str(values.enrolments);
        const auth0Domain = str(values['auth0-domain']);
        const connection = str(values.connection);
        await usersFromAuth0Command(io, {
          users,
          out,
          ...(passwordHashes ? { passwordHashes } : {}),
          ...(enrolments ? { enrolments } : {}),
          ...(auth0Domain ? { auth0Domain } : {}),
          ...(connection ? { connection } : {}),
        });
        return EXIT.ok;
      }
      case '':
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === '' ? EXIT.usage : EXIT.ok;
      default:
        throw new CliError(`unknown command: ${[command, sub].filter(Boolean).join(' ')}\n\n${USAGE}`, EXIT.usage);
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`guardline: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof ValidationError || err instanceof ConflictError || err instanceof NotFoundError) {
      io.err(`guardline: ${err.message}`);
      return EXIT.failure;
    }
    io.err(`guardline: ${(err as Error).message ?? String(err)}`);
    return EXIT.failure;
  }
}

