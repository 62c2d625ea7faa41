import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CliError, EXIT } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { requireTenant, withGuardline } from '../with-guardline.js';
import type { Guardline } from '../../runtime.js';
import type { Tenant } from '../../services/tenants.js';

const full = (io: CliIo, path: string) => (isAbsolute(path) ? path : resolve(io.cwd, path));

async function connectionIdOf(guardline: Guardline, tenant: Tenant, name: string): Promise<string> {
  const connection = (await guardline.services.users.listConnections(tenant)).find((c) => c.name === name);
  if (!connection) throw new CliError(`no connection named "${name}" in tenant ${tenant.name}`);
  return connection.id;
}

/** A progress line: redrawn in place on a terminal, one line per tenth of the job otherwise (CI logs). */
function progress(io: CliIo, isTty: boolean) {
  let lastTenth = -1;
  return (done: number, total: number) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
    if (isTty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
    else {
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth !== lastTenth) io.err(line);
      lastTenth = tenth;
    }
  };
}

/**
 * `guardline users import FILE --connection NAME [--upsert]`: the same job `POST /api/v2/jobs/users-imports`
 * runs (services/user-jobs.ts), run here to the end with a progress bar, then its summary and every refused row.
 */
export async function usersImportCommand(io: CliIo, options: { file: string; connection: string; tenant?: string; upsert?: boolean; tty?: boolean }): Promise<number> {
  let bytes: Buffer;
  try {
    bytes = await readFile(full(io, options.file));
  } catch (err) {
    throw new CliError(`cannot read ${options.file}: ${(err as Error).message}`);
  }
  const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return withGuardline(io, async (guardline) => {
    const tenant = await requireTenant(guardline, options.tenant);
    const jobs = guardline.services.userJobs;
    const created = await jobs.createImport(tenant, { connection_id: await connectionIdOf(guardline, tenant, options.connection), users: text, upsert: options.upsert === true }, { start: false });
    const show = progress(io, options.tty ?? false);
    for (;;) {
      await jobs.runDue();
      const job = await jobs.get(tenant, created.id);
      const summary = job.summary ?? { inserted: 0, updated: 0, failed: 0, total: 0 };
      show(summary.inserted + summary.updated + summary.failed, summary.total || 1);
      if (job.status === 'completed' || job.status === 'failed') {
        io.out(`Import ${job.id} ${job.status}: ${summary.inserted} inserted, ${summary.updated} updated, ${summary.failed} failed of ${summary.total}.`);
        for (const entry of await jobs.errors(tenant, job.id)) {
          const who = String(entry.user.email ?? entry.user.user_id ?? '(no email)');
          io.out(`  ${who}: ${entry.errors.map((e) => `${e.code} ${e.path ? `${e.path}: ` : ''}${e.message}`).join('; ')}`);
        }
        return summary.failed > 0 || job.status === 'failed' ? EXIT.failure : EXIT.ok;
      }
      // Another node holds the lease: wait for it.
      await new Promise((r) => setTimeout(r, 200));
    }
  });
}

/** `guardline users export --out FILE [--format json|csv] [--fields a,b] [--connection NAME]`: the export job's file, un-gzipped. */
export async function usersExportCommand(io: CliIo, options: { out: string; format?: 'json' | 'csv'; fields?: string[]; connection?: string; tenant?: string; includeSecrets?: boolean }): Promise<void> {
  await withGuardline(io, async (guardline) => {
    const tenant = await requireTenant(guardline, options.tenant);
    const jobs = guardline.services.userJobs;
    const fields = options.fields?.map((name) => ({ name, ...(options.includeSecrets && (name === 'mfa_factors' || name === 'password_hash') ? { include_secrets: true } : {}) }));
    const created = await jobs.createExport(
      tenant,
      {
        ...(options.format ? { format: options.format } : {}),
        ...(fields ? { fields } : {}),
        ...(options.connection ? { connection_id: await connectionIdOf(guardline, tenant, options.connection) } : {}),
      },
      { start: false },
    );
    for (;;) {
      await jobs.runDue();
      const job = await jobs.get(tenant, created.id);
      if (job.status === 'completed' && job.location) {
        const file = await jobs.download(job.location.slice(job.location.lastIndexOf('/') + 1));
        if (!file) throw new CliError('the export finished but its file is gone');
        const text = gunzipSync(file.gzip).toString('utf8');
        await writeFile(full(io, options.out), text, { mode: 0o600 });
        const rows = text.split('\n').filter(Boolean).length - (file.format === 'csv' ? 1 : 0);
        io.out(`Exported ${rows} users to ${options.out} (${file.format}).`);
        return;
      }
      if (job.status === 'failed') throw new CliError(`export ${job.id} failed`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
}
