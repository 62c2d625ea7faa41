import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { UserJobs } from '../services/user-jobs.js';
import { managementErrorHandler } from './management/error-handler.js';
import { ManagementErrorBody } from './schemas.js';
import type { App } from './types.js';

/**
 * `GET /export-files/{token}`: the gzipped file of a completed users export, the `location` of
 * `GET /api/v2/jobs/{id}`. Like Auth0's signed download URLs it needs no token header (curl and browsers follow it
 * as is): the link itself is the secret (256 random bits, only its hash stored) and it stops working an hour
 * after the export finished.
 */
export const exportFilesSurface: FastifyPluginAsync<{ userJobs: UserJobs }> = async (instance, { userJobs }) => {
  const app = instance as unknown as App;
  app.setErrorHandler(managementErrorHandler);
  app.get(
    '/export-files/:token',
    {
      config: { noStore: true },
      schema: {
        summary: 'Download a users export file (the job’s location; expires an hour after the export)',
        params: Type.Object({ token: Type.String() }, { additionalProperties: false }),
        response: { 200: Type.Any({ description: 'gzipped ndjson or csv' }), 404: ManagementErrorBody, 400: ManagementErrorBody },
      },
    },
    async (request, reply) => {
      const file = await userJobs.download(request.params.token);
      if (!file) {
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'The export file does not exist or its link has expired.', errorCode: 'not_found' });
      }
      return reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', `attachment; filename="users.${file.format === 'csv' ? 'csv' : 'json'}.gz"`)
        .send(file.gzip);
    },
  );
};
