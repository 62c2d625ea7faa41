import { createServer, type Server } from 'node:http';
import { createDemoApp } from '../../demo/app.js';
import { prepareDemo } from '../../demo/setup.js';
import { startServer } from '../../runtime.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { readConfig } from '../with-guardline.js';

export interface DemoOptions {
  /** The demo application's port on 127.0.0.1 (default 3001; 0 = any free port). */
  port?: number;
  /** Leave MFA off, so the login ends in the demo with the password alone. */
  mfa: boolean;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * `guardline demo`: Guardline as `guardline start` runs it, plus the sample application on its own loopback port,
 * in one process that one Ctrl-C stops. `start` itself never serves the sample: a production server has no demo.
 */
export async function demoCommand(io: CliIo, options: DemoOptions): Promise<void> {
  const config = readConfig(io);
  const server = await startServer(config);
  let demo: Server | undefined;
  try {
    const { guardline, bootstrap } = server;
    const tenant = bootstrap.tenant;
    demo = createServer();
    // Listen first (the port decides the callback URL), then register the application at that address.
    const port = await listen(demo, options.port ?? 3001).catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`the demo application cannot listen on 127.0.0.1:${options.port ?? 3001} (${err.code ?? err.message}): choose another with --port`);
    });
    const demoUrl = `http://127.0.0.1:${port}`;
    const setup = await prepareDemo(guardline.services, tenant, { demoUrl, mfa: options.mfa });
    demo.on(
      'request',
      createDemoApp({
        issuer: tenant.issuer,
        clientId: setup.clientId,
        clientSecret: setup.clientSecret,
        publicUrl: demoUrl,
        locales: tenant,
        mfa: setup.mfa,
        userEmail: setup.user.email,
        inbox: async () => (await guardline.services.devInbox.list(tenant, {}, { offset: 0, limit: 20 }, false)).messages,
      }),
    );

    io.out(`Guardline is listening on ${server.url}  (issuer ${tenant.issuer})`);
    if (bootstrap.adminClient && !bootstrap.adminClient.chosenByOperator) {
      io.out(`  admin client_id     ${bootstrap.adminClient.clientId}`);
      io.out(`  admin client_secret ${bootstrap.adminClient.clientSecret}  (shown once)`);
    }
    io.out('');
    io.out(`Demo application      ${demoUrl}/   ← open this in a browser`);
    io.out(`  demo user           ${setup.user.email}`);
    io.out(setup.user.password ? `  password            ${setup.user.password}  (shown once: the user is kept for the next runs)` : '  password            as printed the first time guardline demo ran');
    io.out(setup.mfa ? `  MFA                 SMS codes through the built-in provider: read them at ${demoUrl}/inbox` : '  MFA                 off (--no-mfa)');
    io.out('Press Ctrl-C to stop.');
  } catch (err) {
    demo?.close();
    await server.close();
    throw err;
  }

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.out('Stopping the demo and Guardline…');
      demo?.closeAllConnections();
      demo?.close();
      server.close().then(resolve, (err: unknown) => {
        io.err(`error while stopping: ${(err as Error).message}`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
