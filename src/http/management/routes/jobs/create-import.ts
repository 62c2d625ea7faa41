import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { acceptMultipart } from '../../multipart.js';
import { ImportForm, Job } from './schemas.js';

/**
 * POST /api/v2/jobs/users-imports — multipart (`users` file, `connection_id`, `upsert`, `external_id`,
 * `send_completion_email`) as Auth0's curl example sends it; 201 with the pending job, which starts at once.
 */
export default function createUsersImportRoute(app: App, services: Services) {
  const maxFileBytes = services.userJobs.importMaxBytes;
  void app.register(async (scope: FastifyInstance) => {
    acceptMultipart(scope, { maxFileBytes, booleanFields: ['upsert', 'send_completion_email'] });
    (scope as unknown as App).post('/jobs/users-imports', {
      config: { scopes: ['create:users'], operation: 'Create import users job' },
      // The multipart body may be larger than the JSON bodies of other routes.
      bodyLimit: maxFileBytes + 64 * 1024,
      schema: { summary: 'Create a users import job (multipart/form-data)', body: ImportForm, response: { 201: Job, '4xx': ManagementErrorBody } },
      handler: async (request, reply) => {
        const { users, connection_id, upsert, external_id, send_completion_email } = request.body;
        const job = await services.userJobs.createImport(request.tenant, {
          users,
          connection_id,
          ...(upsert !== undefined ? { upsert } : {}),
          ...(external_id !== undefined ? { external_id } : {}),
          ...(send_completion_email !== undefined ? { send_completion_email } : {}),
        });
        return reply.code(201).send(job);
      },
    });
  });
}
