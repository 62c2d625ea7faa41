import { describe, expect, it } from 'vitest';

describe('test workers', () => {
  it('run with --no-node-snapshot, as isolated-vm needs on Node 20', () => {
    expect(process.execArgv).toContain('--no-node-snapshot');
  });
});
