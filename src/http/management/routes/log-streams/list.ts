import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { LogStream } from './schemas.js';

/**
 * GET /api/v2/log-streams — Auth0 answers a bare array (a tenant has at most a few streams: no paging). Each
 * stream's `health` (runtime state, not configuration) is in the list only with `include_health=true`, so that
 * a tenant exported as code (a0deploy) reads the same from one export to the next; GET /log-streams/{id} always has it.
 */
export default function listLogStreamsRoute(app: App, services: Services) {
  app.get('/log-streams', {
    config: { scopes: ['read:log_streams'] },
    schema: { summary: 'List log streams', querystring: StrictObject({ include_health: Type.Optional(Type.Boolean({ default: false, description: 'Guardline extension: each stream’s delivery health' })) }), response: { 200: Type.Array(LogStream), '4xx': ManagementErrorBody } },
    handler: async (request) => {
      const streams = await services.logStreams.streams.list(request.tenant);
      return request.query.include_health === true ? streams : streams.map(({ health: _health, ...stream }) => stream);
    },
  });
}
