/** Exit codes of the `guardline` command (documented in docs/cli.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 3 } as const;

/** A failure the CLI explains in one line and exits on, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
