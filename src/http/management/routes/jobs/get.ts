import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Job, JobIdParams } from './schemas.js';

/** GET /api/v2/jobs/{id} — status, an import's summary, an export's download `location`. */
export default function getJobRoute(app: App, services: Services) {
  app.get('/jobs/:id', {
    config: { scopes: ['create:users', 'read:users'] },
    schema: { summary: 'Get a job', params: JobIdParams, querystring: StrictObject({}), response: { 200: Job, '4xx': ManagementErrorBody } },
    handler: async (request) => services.userJobs.get(request.tenant, request.params.id),
  });
}
