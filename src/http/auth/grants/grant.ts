import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../services/index.js';

/** What a grant returns: Auth0's token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

/** A grant is one module: its `grant_type` value and a handler (the token endpoint dispatches by the value). */
export interface Grant {
  grantType: string;
  handle(request: FastifyRequest, body: Record<string, string | undefined>, services: Services): Promise<TokenResponse>;
}
