import type { App } from '../../types.js';

/**
 * Auth0's Management API takes `application/json` and `application/x-www-form-urlencoded` bodies only.
 * Fastify also parses `text/plain` by default; removing that parser (for this surface only) makes such a
 * body a 415 instead of a confusing schema error. Registered first in MANAGEMENT_ROUTES.
 */
export default function restrictContentTypes(app: App) {
  app.removeContentTypeParser('text/plain');
}
