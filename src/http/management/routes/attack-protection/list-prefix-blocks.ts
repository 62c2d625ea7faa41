import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PrefixBlock } from './schemas.js';

/** GET /api/v2/attack-protection/phone-prefix-blocks — blocks the pumping detector raised or an administrator set, and lifts still in their quiet period. */
export default function listPrefixBlocksRoute(app: App, services: Services) {
  app.get('/attack-protection/phone-prefix-blocks', {
    config: { scopes: ['read:attack_protection'] },
    schema: { summary: 'List phone prefix blocks (Guardline extension)', querystring: StrictObject({}), response: { 200: Type.Array(PrefixBlock), '4xx': ManagementErrorBody } },
    handler: async (request) => services.prefixBlocks.list(request.tenant),
  });
}
