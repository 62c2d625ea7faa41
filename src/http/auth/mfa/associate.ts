import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/index.js';
import { OAuthErrorBody } from '../../schemas.js';
import { requestContext, type App } from '../../types.js';
import { messageLocale, mfaCaller } from './request.js';

/** Known parameters are typed; others (e.g. client_id, client_secret, which Auth0 makes optional here) are ignored. */
const AssociateBody = Type.Object(
  {
    authenticator_types: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 5 }),
    oob_channels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 5 })),
    phone_number: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: true },
);

/** POST /mfa/associate — enrolls a phone for SMS or voice codes and sends the first code. */
export default function associateRoute(app: App, services: Services) {
  app.post('/mfa/associate', {
    schema: {
      summary: 'Enroll an SMS or voice authenticator',
      body: AssociateBody,
      response: {
        200: Type.Object({
          authenticator_type: Type.Literal('oob'),
          binding_method: Type.Literal('prompt'),
          oob_channel: Type.Union([Type.Literal('sms'), Type.Literal('voice')]),
          oob_code: Type.String(),
          recovery_codes: Type.Optional(Type.Array(Type.String())),
        }),
        '4xx': OAuthErrorBody,
        503: OAuthErrorBody,
      },
    },
    handler: async (request) => {
      const caller = await mfaCaller(services, request);
      const result = await services.mfaApi.associate(request.tenant, caller, request.body, messageLocale(request), requestContext(request));
      return result;
    },
  });
}
