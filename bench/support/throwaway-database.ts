import pg from 'pg';

/**
 * A PostgreSQL URL given to a benchmark names a server to bench on, not a database to fill: each run creates a
 * database of its own there and drops it at the end, so runs start equal and never meet an earlier run's rows.
 * `label` tells apart the databases of one run (e.g. Guardline's and the peer's).
 */
export async function throwawayDatabase(serverUrl: string, label = 'run'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `guardline_bench_${label}_${process.pid}_${Date.now()}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // FORCE: a process that was killed may still hold a connection the server has not noticed yet.
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
