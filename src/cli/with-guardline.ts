import { ConfigError, loadConfig, type GuardlineConfig } from '../config/load.js';
import { openGuardline, type Guardline } from '../runtime.js';
import type { Tenant } from '../services/tenants.js';
import { CliError, EXIT } from './cli-error.js';
import type { CliIo } from './io.js';

export function readConfig(io: CliIo): GuardlineConfig {
  try {
    return loadConfig(io.env, io.cwd);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT.config);
    throw err;
  }
}

/** Runs `fn` against an opened Guardline (storage migrated in embedded mode) and always closes it. */
export async function withGuardline<T>(io: CliIo, fn: (guardline: Guardline) => Promise<T>): Promise<T> {
  const guardline = await openGuardline(readConfig(io));
  try {
    return await fn(guardline);
  } finally {
    await guardline.close();
  }
}

export async function requireTenant(guardline: Guardline, name: string | undefined): Promise<Tenant> {
  const tenantName = name ?? guardline.config.defaultTenant;
  const tenant = await guardline.services.tenants.findByName(tenantName);
  if (!tenant) throw new CliError(`no tenant named "${tenantName}" (create it with: guardline tenant create ${tenantName})`);
  return tenant;
}
