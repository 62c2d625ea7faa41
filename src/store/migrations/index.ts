import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_phone_factor.js';
import * as m0003 from './0003_hardening.js';
import * as m0004 from './0004_config_version.js';
import * as m0005 from './0005_delivery.js';
import * as m0006 from './0006_sdk_sessions.js';
import * as m0007 from './0007_branding.js';
import * as m0008 from './0008_universal_login.js';
import * as m0009 from './0009_actions.js';
import * as m0010 from './0010_action_delivery.js';
import * as m0011 from './0011_log_streams.js';
import * as m0012 from './0012_phone_fraud.js';
import * as m0013 from './0013_user_jobs.js';
import * as m0014 from './0014_prompt_custom_texts.js';

/**
 * The versioned migrations, in order. Listed statically (not read from a folder) so the compiled build and
 * the TypeScript sources see the same set. Never edit a migration that has shipped: add the next one.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_phone_factor': m0002,
  '0003_hardening': m0003,
  '0004_config_version': m0004,
  '0005_delivery': m0005,
  '0006_sdk_sessions': m0006,
  '0007_branding': m0007,
  '0008_universal_login': m0008,
  '0009_actions': m0009,
  '0010_action_delivery': m0010,
  '0011_log_streams': m0011,
  '0012_phone_fraud': m0012,
  '0013_user_jobs': m0013,
  '0014_prompt_custom_texts': m0014,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
