import { startServer } from '../../runtime.js';
import type { CliIo } from '../io.js';
import { readConfig } from '../with-guardline.js';

/** `guardline start`: runs until SIGINT/SIGTERM; prints where everything is, and new admin credentials once. */
export async function startCommand(io: CliIo): Promise<void> {
  const config = readConfig(io);
  const server = await startServer(config);
  const { bootstrap, guardline } = server;
  const tenant = bootstrap.tenant;

  io.out(`Guardline is listening on ${server.url}`);
  io.out(`  public URL        ${config.publicUrl.origin}  (tenants: <name>.${config.baseDomain})`);
  io.out(`  default tenant    ${tenant.name}${bootstrap.tenantCreated ? ' (created now)' : ''}`);
  io.out(`  issuer            ${tenant.issuer}`);
  io.out(`  Management API    ${tenant.managementAudience}`);
  io.out(
    config.database.dialect === 'sqlite'
      ? `  database          embedded SQLite ${config.database.file}`
      : `  database          PostgreSQL ${new URL(config.database.url).host}`,
  );
  if (guardline.secretKeyFile) io.out(`  secret key        ${guardline.secretKeyFile}  (back it up: sealed secrets need it)`);
  io.out(`  docs              docs/README.md`);

  if (bootstrap.adminClient) {
    const { clientId, clientSecret, chosenByOperator } = bootstrap.adminClient;
    io.out('');
    io.out('Administrative machine-to-machine application created (all Management API scopes).');
    if (chosenByOperator) {
      io.out(`  client_id         ${clientId}  (from GUARDLINE_BOOTSTRAP_CLIENT_ID; secret as configured)`);
    } else {
      io.out(`  client_id         ${clientId}`);
      io.out(`  client_secret     ${clientSecret}`);
      io.out('  The secret is stored hashed and will not be shown again.');
    }
    io.out('  Get a Management API token:');
    io.out(
      `    curl -s ${config.publicUrl.origin}/oauth/token -H 'content-type: application/json' -d '{"grant_type":"client_credentials","client_id":"${clientId}","client_secret":"<secret>","audience":"${tenant.managementAudience}"}'`,
    );
  }

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.out('Stopping Guardline…');
      server.close().then(resolve, (err: unknown) => {
        io.err(`error while stopping: ${(err as Error).message}`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
