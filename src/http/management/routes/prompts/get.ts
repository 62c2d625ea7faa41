import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PromptSettings, promptSettings } from './schemas.js';

/** GET /api/v2/prompts */
export default function getPromptSettingsRoute(app: App, services: Services) {
  app.get('/prompts', {
    config: { scopes: ['read:prompts'] },
    schema: {
      summary: 'Get prompt settings',
      querystring: StrictObject({}),
      response: { 200: PromptSettings, '4xx': ManagementErrorBody },
    },
    handler: async (request) => promptSettings(await services.loginSettings.get(request.tenant)),
  });
}
