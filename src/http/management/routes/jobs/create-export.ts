import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ExportBody, Job } from './schemas.js';

/** POST /api/v2/jobs/users-exports — 201 with the pending job; `GET /jobs/{id}` gives `location` once completed. */
export default function createUsersExportRoute(app: App, services: Services) {
  app.post('/jobs/users-exports', {
    config: { scopes: ['read:users'], operation: 'Create export users job' },
    schema: { summary: 'Create a users export job', body: ExportBody, response: { 201: Job, '4xx': ManagementErrorBody } },
    handler: async (request, reply) => reply.code(201).send(await services.userJobs.createExport(request.tenant, request.body)),
  });
}
