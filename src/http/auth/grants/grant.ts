import type { FastifyRequest } from 'fastify';
import type { TokenSet } from '../../../services/user-tokens.js';
import type { Services } from '../../../services/index.js';

/** A grant is one module: its `grant_type` value and a handler (the token endpoint dispatches by the value). */
export interface Grant {
  grantType: string;
  handle(request: FastifyRequest, body: Record<string, string | undefined>, services: Services): Promise<TokenSet>;
}
