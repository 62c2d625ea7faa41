import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
// isolated-vm on Node 20 needs the flag (stack.md): the CLI runs tenant actions.
const ENTRY = ['--no-node-snapshot', '--import', 'tsx', path.join(ROOT, 'src/cli/run.ts')];

export interface Demo {
  child: ChildProcess;
  output: () => string;
  demoUrl: string;
  stop: () => Promise<number>;
}

/** Starts `guardline demo <args>` and resolves once it prints its banner (or rejects with its output). */
export function startDemo(args: string[], env: NodeJS.ProcessEnv): Promise<Demo> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ENTRY, 'demo', ...args], { env, cwd: ROOT });
    let output = '';
    let settled = false;
    const stop = () =>
      new Promise<number>((done) => {
        if (child.exitCode !== null) return done(child.exitCode);
        child.once('close', (code) => done(code ?? -1));
        child.kill('SIGTERM');
      });
    const onData = (d: Buffer) => {
      output += d.toString();
      if (!settled && output.includes('Press Ctrl-C to stop.')) {
        settled = true;
        const demoUrl = /^Demo application\s+(\S+?)\/?\s/m.exec(output)?.[1];
        if (!demoUrl) return reject(new Error(`no demo URL in:\n${output}`));
        resolve({ child, output: () => output, demoUrl, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('close', (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`guardline demo exited with ${code}:\n${output}`));
      }
    });
  });
}

