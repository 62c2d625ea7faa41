import ivm from 'isolated-vm';
import { wrapTenantModule } from './sandbox/prelude.js';

/**
 * Whether an action's code compiles, as the sandbox will wrap it: the SyntaxError's message with its line, or
 * undefined. Compiled (never run) in a throwaway isolate, so even parsing tenant code stays off the host's V8 heap.
 */
export async function syntaxProblem(code: string): Promise<string | undefined> {
  const isolate = new ivm.Isolate({ memoryLimit: 16 });
  try {
    await isolate.compileScript(wrapTenantModule(code), { filename: 'action.js', lineOffset: -1 });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    isolate.dispose();
  }
}
