import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { LogStream } from './schemas.js';

/** GET /api/v2/log-streams — Auth0 answers a bare array (a tenant has at most a few streams: no paging). */
export default function listLogStreamsRoute(app: App, services: Services) {
  app.get('/log-streams', {
    config: { scopes: ['read:log_streams'] },
    schema: { summary: 'List log streams', querystring: StrictObject({}), response: { 200: Type.Array(LogStream), '4xx': ManagementErrorBody } },
    handler: async (request) => services.logStreams.streams.list(request.tenant),
  });
}
