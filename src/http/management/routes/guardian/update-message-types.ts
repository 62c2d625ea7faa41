import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { MessageTypes } from './schemas.js';

/** PUT /api/v2/guardian/factors/phone/message-types */
export default function updatePhoneMessageTypesRoute(app: App, services: Services) {
  app.put('/guardian/factors/phone/message-types', {
    config: { scopes: ['update:guardian_factors'], operation: 'Update the Enabled Phone Factors' },
    schema: {
      summary: 'Set the message types of the phone factor',
      body: MessageTypes,
      response: { 200: MessageTypes, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({
      message_types: await services.guardian.setMessageTypes(request.tenant, request.body.message_types, requestContext(request)),
    }),
  });
}
