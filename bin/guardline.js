#!/usr/bin/env -S node --no-node-snapshot
// The `guardline` command: runs the compiled CLI (`npm run build` produces dist/). `--no-node-snapshot`: isolated-vm,
// which runs tenant actions, needs it on Node 20 (docs/actions.md).
import '../dist/cli/run.js';
