import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { MessageTypes } from './schemas.js';

/** GET /api/v2/guardian/factors/phone/message-types — `sms`, `voice` or both. */
export default function getPhoneMessageTypesRoute(app: App, services: Services) {
  app.get('/guardian/factors/phone/message-types', {
    config: { scopes: ['read:guardian_factors'] },
    schema: {
      summary: 'Get the message types of the phone factor',
      querystring: StrictObject({}),
      response: { 200: MessageTypes, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({ message_types: (await services.guardian.settings(request.tenant)).messageTypes }),
  });
}
