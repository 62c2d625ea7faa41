import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/index.js';
import { OAuthErrorBody } from '../../schemas.js';
import { requestContext, type App } from '../../types.js';
import { authenticateClient } from '../client-auth.js';
import { messageLocale } from './request.js';

const ChallengeBody = Type.Object(
  {
    client_id: Type.Optional(Type.String({ maxLength: 256 })),
    client_secret: Type.Optional(Type.String({ maxLength: 512 })),
    mfa_token: Type.Optional(Type.String({ maxLength: 4096 })),
    challenge_type: Type.Optional(Type.String({ maxLength: 64 })),
    authenticator_id: Type.Optional(Type.String({ maxLength: 128 })),
    oob_channel: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: true },
);

/**
 * The log type of a failed client authentication here: `feoobft`. The challenge is the first half of Auth0's
 * "Password and OOB Challenge for Access Token" exchange (its code is only good for the mfa-oob grant), and so every
 * failed client authentication lands in `auth.token_exchange.fail`; `gd_auth_failed` means a wrong code of a user
 * (docs/compatibility.md).
 */
const CHALLENGE_CLIENT_AUTH_FAILURE = 'feoobft';

/** POST /mfa/challenge — sends a new code to the user's enrolled phone (JSON or form body). */
export default function challengeRoute(app: App, services: Services) {
  app.post('/mfa/challenge', {
    schema: {
      summary: 'Challenge an enrolled SMS or voice authenticator',
      body: ChallengeBody,
      response: {
        200: Type.Object({ challenge_type: Type.Literal('oob'), oob_code: Type.String(), binding_method: Type.Literal('prompt') }),
        '4xx': OAuthErrorBody,
        503: OAuthErrorBody,
      },
    },
    handler: async (request) => {
      const client = await authenticateClient(services, request, request.body, CHALLENGE_CLIENT_AUTH_FAILURE);
      const result = await services.mfaApi.challenge(request.tenant, client, request.body, messageLocale(request), requestContext(request));
      return result;
    },
  });
}
