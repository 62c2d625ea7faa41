import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { UsageTrigger } from './schemas.js';

/** GET /api/v2/attack-protection/usage-triggers (Guardline extension) */
export default function listUsageTriggersRoute(app: App, services: Services) {
  app.get('/attack-protection/usage-triggers', {
    config: { scopes: ['read:attack_protection'] },
    schema: { summary: 'List usage triggers (Guardline extension)', querystring: StrictObject({}), response: { 200: Type.Array(UsageTrigger), '4xx': ManagementErrorBody } },
    handler: async (request) => services.usageTriggers.list(request.tenant),
  });
}
