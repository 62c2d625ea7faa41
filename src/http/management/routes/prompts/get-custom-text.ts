import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { CustomTextBody, CustomTextParams } from './custom-text-params.js';

/** GET /api/v2/prompts/{prompt}/custom-text/{language} — `{}` when none is set, as in Auth0. */
export default function getCustomTextRoute(app: App, services: Services) {
  app.get('/prompts/:prompt/custom-text/:language', {
    config: { scopes: ['read:prompts'] },
    schema: { summary: 'Get custom text for a prompt', params: CustomTextParams, querystring: StrictObject({}), response: { 200: CustomTextBody, '4xx': ManagementErrorBody } },
    handler: async (request) => services.promptTexts.get(request.tenant, request.params.prompt, request.params.language),
  });
}
