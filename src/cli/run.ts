import { runCli } from './main.js';

// Process entry point of the CLI (bin/guardline.js runs the compiled copy; tests run this with tsx).
process.exitCode = await runCli(process.argv.slice(2));
