import { migrateToLatest, openDatabase } from '../../store/database.js';
import type { CliIo } from '../io.js';
import { readConfig } from '../with-guardline.js';

/** `guardline migrate`: applies pending migrations and lists them. Safe to run again. */
export async function migrateCommand(io: CliIo): Promise<void> {
  const config = readConfig(io);
  const handle = await openDatabase(config.database);
  try {
    const applied = await migrateToLatest(handle);
    if (applied.length === 0) io.out('The database is up to date.');
    for (const name of applied) io.out(`applied ${name}`);
  } finally {
    await handle.destroy();
  }
}
