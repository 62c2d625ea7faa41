#!/usr/bin/env node
// The `guardline` command: runs the compiled CLI (`npm run build` produces dist/).
import '../dist/cli/run.js';
