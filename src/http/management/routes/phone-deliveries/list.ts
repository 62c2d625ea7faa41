import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, paged, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { pageWindow } from '../paging.js';
import { Delivery, ListDeliveriesQuery } from './schemas.js';

/** GET /api/v2/phone/deliveries — the delivery ledger, newest first, with filters and Auth0-style paging (Guardline extension). */
export default function listPhoneDeliveriesRoute(app: App, services: Services) {
  app.get('/phone/deliveries', {
    config: { scopes: ['read:phone_deliveries'] },
    schema: {
      summary: 'List phone delivery attempts (Guardline extension)',
      querystring: ListDeliveriesQuery,
      response: { 200: pagedResponse('deliveries', Delivery), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { status, provider, country, channel, from, to, include_totals } = request.query;
      const filter = {
        ...(status !== undefined ? { status } : {}),
        ...(provider !== undefined ? { provider } : {}),
        ...(country !== undefined ? { country: country.toUpperCase() } : {}),
        ...(channel !== undefined ? { channel } : {}),
        ...(from !== undefined ? { from: new Date(from).toISOString() } : {}),
        ...(to !== undefined ? { to: new Date(to).toISOString() } : {}),
      };
      const window = pageWindow(request.query);
      const { deliveries, total } = await services.deliveries.list(request.tenant, filter, window, include_totals === true);
      return paged('deliveries', deliveries, window, total);
    },
  });
}
