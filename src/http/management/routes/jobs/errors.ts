import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { JobErrors, JobIdParams } from './schemas.js';

/** GET /api/v2/jobs/{id}/errors — the rows an import refused, each as sent (without its hash) with Auth0's error list. */
export default function getJobErrorsRoute(app: App, services: Services) {
  app.get('/jobs/:id/errors', {
    config: { scopes: ['create:users', 'read:users'] },
    schema: { summary: 'Get the errors of a job', params: JobIdParams, querystring: StrictObject({}), response: { 200: JobErrors, '4xx': ManagementErrorBody } },
    handler: async (request) => services.userJobs.errors(request.tenant, request.params.id),
  });
}
