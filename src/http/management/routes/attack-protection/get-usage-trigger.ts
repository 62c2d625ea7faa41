import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { UsageTriggerDetail, UsageTriggerParams } from './schemas.js';

/** GET /api/v2/attack-protection/usage-triggers/{id} — with its latest webhook deliveries. */
export default function getUsageTriggerRoute(app: App, services: Services) {
  app.get('/attack-protection/usage-triggers/:id', {
    config: { scopes: ['read:attack_protection'] },
    schema: { summary: 'Get a usage trigger and its webhook deliveries', params: UsageTriggerParams, querystring: StrictObject({}), response: { 200: UsageTriggerDetail, '4xx': ManagementErrorBody } },
    handler: async (request) => services.usageTriggers.get(request.tenant, request.params.id),
  });
}
