import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PrefixBlock, PrefixBlockPut, PrefixParams } from './schemas.js';

/** PUT /api/v2/attack-protection/phone-prefix-blocks/{prefix} — pin a block (no end) or block until a moment. */
export default function putPrefixBlockRoute(app: App, services: Services) {
  app.put('/attack-protection/phone-prefix-blocks/:prefix', {
    config: { scopes: ['update:attack_protection'], operation: 'Block a phone prefix' },
    schema: { summary: 'Pin or set a phone prefix block', params: PrefixParams, body: PrefixBlockPut, response: { 200: PrefixBlock, '4xx': ManagementErrorBody } },
    handler: async (request) => {
      const { state, until } = request.body;
      return services.prefixBlocks.put(request.tenant, request.params.prefix, { state, until: until === undefined ? undefined : new Date(until).toISOString() });
    },
  });
}
