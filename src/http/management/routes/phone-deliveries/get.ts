import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Delivery, DeliveryIdParams } from './schemas.js';

/** GET /api/v2/phone/deliveries/{id} — one attempt of the delivery ledger with its status history (Guardline extension). */
export default function getPhoneDeliveryRoute(app: App, services: Services) {
  app.get('/phone/deliveries/:id', {
    config: { scopes: ['read:phone_deliveries'] },
    schema: {
      summary: 'Get a phone delivery attempt (Guardline extension)',
      params: DeliveryIdParams,
      querystring: StrictObject({}),
      response: { 200: Delivery, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.deliveries.get(request.tenant, request.params.id),
  });
}
