import { runCli } from './main.js';

// `guardline … | head -1`: once the reader has gone, the rest of the output has nowhere to go. That is the reader's
// choice, not a failure of the command, so the command still finishes its work (a half-done write to the database
// would be worse than lost output) and exits with its own code. Any other output error still throws.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// Process entry point of the CLI (bin/guardline.js runs the compiled copy; tests run this with tsx).
process.exitCode = await runCli(process.argv.slice(2));
