import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
// isolated-vm on Node 20 needs the flag (stack.md): the CLI runs tenant actions.
const ENTRY = ['--no-node-snapshot', '--import', 'tsx', path.join(ROOT, 'src/cli/run.ts')];

/** Environment for a child Guardline: nothing inherited that could point it at a real installation. */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GUARDLINE_LOG_LEVEL: 'warn' };
  return { ...base, ...extra };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs `guardline <args>` to completion. `closedStdout`: nobody reads its output (`guardline … | head -0`). */
export function runGuardline(args: string[], env: NodeJS.ProcessEnv, stdin?: string, options: { closedStdout?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ENTRY, ...args], { env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    if (options.closedStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

export interface GuardlineProcess {
  child: ChildProcess;
  output(): string;
  /** The value printed after `label` on the start banner (e.g. `client_id`). */
  field(label: string): string | undefined;
  stop(): Promise<number>;
}

/** Starts `guardline start` and resolves once it prints that it is listening (or rejects with its output). */
export function startGuardline(env: NodeJS.ProcessEnv): Promise<GuardlineProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ENTRY, 'start'], { env, cwd: ROOT });
    let output = '';
    let settled = false;
    const handle: GuardlineProcess = {
      child,
      output: () => output,
      field: (label) => new RegExp(`^\\s*${label}\\s+(\\S+)`, 'm').exec(output)?.[1],
      stop: () =>
        new Promise((done) => {
          if (child.exitCode !== null) return done(child.exitCode);
          child.once('close', (code) => done(code ?? -1));
          child.kill('SIGTERM');
        }),
    };
    const onData = (d: Buffer) => {
      output += d.toString();
      // The banner is printed in one go; wait for its last line when credentials are part of it.
      if (!settled && /docs\s+docs\/README\.md/.test(output)) {
        settled = true;
        setTimeout(() => resolve(handle), 100);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('close', (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`guardline exited with ${code} before listening:\n${output}`));
      }
    });
  });
}

export async function curlJson(args: string[]): Promise<{ status: number; body: any }> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-k', '-w', '\n%{http_code}', ...args], (err, stdout, stderr) => {
      if (err) return reject(new Error(`curl failed: ${stderr || err.message}`));
      const cut = stdout.lastIndexOf('\n');
      const text = stdout.slice(0, cut);
      resolve({ status: Number(stdout.slice(cut + 1)), body: text ? JSON.parse(text) : undefined });
    });
  });
}
