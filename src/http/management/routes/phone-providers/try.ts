import { Type } from '@sinclair/typebox';
import { ManagementError, NotFoundError } from '../../../../errors/errors.js';
import { parsePhoneNumber } from '../../../../domain/phone-number.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { ProviderIdParams } from './shape.js';

/**
 * POST /api/v2/branding/phone/providers/{id}/try — sends a test message through this provider on the real send path
 * (ledger row, event). 202 `{code, message}` when the provider accepted it; the provider's refusal otherwise.
 */
export default function tryPhoneProviderRoute(app: App, services: Services) {
  app.post('/branding/phone/providers/:id/try', {
    config: { scopes: ['create:phone_providers'], operation: 'Send a test phone message' },
    schema: {
      summary: 'Send a test message through a phone provider',
      params: ProviderIdParams,
      body: StrictObject({ to: Type.String({ minLength: 1, maxLength: 16 }), delivery_method: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('voice')])) }),
      response: { 202: Type.Object({ code: Type.Integer(), message: Type.String() }), '4xx': ManagementErrorBody, 503: ManagementErrorBody },
    },
    handler: async (request, reply) => {
      const phone = parsePhoneNumber(request.body.to);
      if (!phone.ok) throw new ManagementError('invalid_body', `to: ${phone.message.replace(/^phone_number /, '')}`);
      const channel = request.body.delivery_method === 'voice' ? 'voice' : 'sms';
      const result = await services.phoneDelivery.sendTest(request.tenant, request.params.id, phone.e164, channel, requestContext(request));
      if (!result) throw new NotFoundError('phone_provider', 'Phone provider has not been configured');
      if (result.ok) return reply.code(202).send({ code: 202, message: `Accepted by ${result.provider} (message ${result.messageId}, delivery ${result.deliveryId})` });
      const text = `${result.message} (${result.errorCode})`;
      if (result.kind === 'transient' || result.kind === 'skipped') throw new ManagementError('service_unavailable', `The provider could not be reached: ${text}`);
      throw new ManagementError('phone_provider_error', `The provider refused the test message: ${text}`);
    },
  });
}
