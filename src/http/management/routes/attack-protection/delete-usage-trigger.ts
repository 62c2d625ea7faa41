import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { UsageTriggerParams } from './schemas.js';

/** DELETE /api/v2/attack-protection/usage-triggers/{id} */
export default function deleteUsageTriggerRoute(app: App, services: Services) {
  app.delete('/attack-protection/usage-triggers/:id', {
    config: { scopes: ['update:attack_protection'], operation: 'Delete a usage trigger' },
    schema: { summary: 'Delete a usage trigger', params: UsageTriggerParams, response: { 204: Type.Null(), '4xx': ManagementErrorBody } },
    handler: async (request, reply) => {
      await services.usageTriggers.remove(request.tenant, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
