import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PrefixParams } from './schemas.js';

/** DELETE /api/v2/attack-protection/phone-prefix-blocks/{prefix} — lift: sends resume, the detector waits one block period. */
export default function deletePrefixBlockRoute(app: App, services: Services) {
  app.delete('/attack-protection/phone-prefix-blocks/:prefix', {
    config: { scopes: ['update:attack_protection'], operation: 'Lift a phone prefix block' },
    schema: { summary: 'Lift a phone prefix block', params: PrefixParams, response: { 204: Type.Null(), '4xx': ManagementErrorBody } },
    handler: async (request, reply) => {
      const settings = await services.protections.phoneFraud(request.tenant);
      await services.prefixBlocks.lift(request.tenant, request.params.prefix, settings.pumping_detection.block_minutes);
      return reply.code(204).send(null);
    },
  });
}
