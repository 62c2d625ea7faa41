import type { FastifyRequest } from 'fastify';
import type { Services } from '../services/index.js';
import type { Tenant } from '../services/tenants.js';

/** Resolves `request.tenant` from the Host header; returns undefined when the host names no tenant. */
export async function resolveTenant(services: Services, request: FastifyRequest): Promise<Tenant | undefined> {
  const tenant = await services.tenants.resolveHost(request.headers.host);
  if (tenant) request.tenant = tenant;
  return tenant;
}
