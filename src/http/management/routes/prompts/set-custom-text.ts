import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { CustomTextBody, CustomTextParams } from './custom-text-params.js';

/** PUT /api/v2/prompts/{prompt}/custom-text/{language} — replaces the prompt's texts in that language. */
export default function setCustomTextRoute(app: App, services: Services) {
  app.put('/prompts/:prompt/custom-text/:language', {
    config: { scopes: ['update:prompts'], operation: 'Set custom text for a prompt' },
    schema: { summary: 'Set custom text for a specific prompt', params: CustomTextParams, body: CustomTextBody, response: { 200: CustomTextBody, '4xx': ManagementErrorBody } },
    handler: async (request) => services.promptTexts.set(request.tenant, request.params.prompt, request.params.language, request.body),
  });
}
