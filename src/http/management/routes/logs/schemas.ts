import { Type } from '@sinclair/typebox';
import type { LogEntry } from '../../../../services/events.js';
import type { Tenant } from '../../../../services/tenants.js';
import { Metadata } from '../../../schemas.js';

/** Auth0's log object. */
export const Log = Type.Object({
  log_id: Type.String(),
  date: Type.String(),
  type: Type.String(),
  description: Type.String(),
  client_id: Type.Optional(Type.String()),
  client_name: Type.Optional(Type.String()),
  user_id: Type.Optional(Type.String()),
  user_name: Type.Optional(Type.String()),
  connection: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  user_agent: Type.Optional(Type.String()),
  hostname: Type.Optional(Type.String()),
  tenant_name: Type.String(),
  details: Metadata,
});

/** Auth0 puts the tenant's name on every entry. */
export const withTenantName = (tenant: Tenant) => (entry: LogEntry) => ({ ...entry, tenant_name: tenant.name });

/** `sort=date:1` (oldest first) or `date:-1` (newest first, the default). */
export const LogSort = Type.Union([Type.Literal('date:1'), Type.Literal('date:-1')]);
export const sortOrder = (sort: string | undefined): 'asc' | 'desc' => (sort === 'date:1' ? 'asc' : 'desc');

export const LogIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
