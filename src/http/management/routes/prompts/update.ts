import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PromptSettings, PromptSettingsUpdateBody, promptSettings } from './schemas.js';

/** PATCH /api/v2/prompts — only `mfa_remember_browser` changes anything; Auth0's other fields accept their one value. */
export default function updatePromptSettingsRoute(app: App, services: Services) {
  app.patch('/prompts', {
    config: { scopes: ['update:prompts'], operation: 'Update prompt settings' },
    schema: {
      summary: 'Update prompt settings',
      body: PromptSettingsUpdateBody,
      response: { 200: PromptSettings, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { mfa_remember_browser } = request.body;
      const updated =
        mfa_remember_browser === undefined
          ? await services.loginSettings.get(request.tenant)
          : await services.loginSettings.update(request.tenant, { rememberBrowser: mfa_remember_browser });
      return promptSettings(updated);
    },
  });
}
