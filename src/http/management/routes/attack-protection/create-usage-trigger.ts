import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { CreatedUsageTrigger, UsageTriggerInput } from './schemas.js';

/** POST /api/v2/attack-protection/usage-triggers — the answer carries the webhook's signing secret, once. */
export default function createUsageTriggerRoute(app: App, services: Services) {
  app.post('/attack-protection/usage-triggers', {
    config: { scopes: ['update:attack_protection'], operation: 'Create a usage trigger' },
    schema: { summary: 'Create a usage trigger', body: UsageTriggerInput, response: { 201: CreatedUsageTrigger, '4xx': ManagementErrorBody } },
    handler: async (request, reply) => {
      const { country, ...rest } = request.body;
      return reply.code(201).send(await services.usageTriggers.create(request.tenant, { ...rest, country: country ?? null }));
    },
  });
}
