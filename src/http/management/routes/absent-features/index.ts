import { isDeepStrictEqual } from 'node:util';
import { Type } from '@sinclair/typebox';
import { ManagementError } from '../../../../errors/errors.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ABSENT_FEATURES, type AbsentFeature } from './table.js';

/** Anything a tool sends to an absent feature: its answer does not depend on it. */
const AnyQuery = Type.Object({}, { additionalProperties: true });
const AnyBody = Type.Unknown();

/** A PATCH of an `off` singleton that only repeats values it has (a tool writing back what it exported). */
function writesBackOff(feature: AbsentFeature, body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const off = feature.offBody ?? {};
  return Object.entries(body).every(([key, value]) => key in off && isDeepStrictEqual(off[key], value));
}

function refusal(feature: AbsentFeature, reading: boolean): ManagementError {
  if (feature.answer === 'deprecated') {
    return new ManagementError('feature_not_enabled', `${feature.feature} are a deprecated feature this tenant cannot use (Guardline has actions instead)`);
  }
  if (reading && feature.answer === 'not-configured') {
    return new ManagementError('not_found', `${feature.feature}: not configured (Guardline does not have this feature)`, 404);
  }
  return new ManagementError('feature_not_enabled', feature.message ?? `${feature.feature}: this feature is not available on Guardline`);
}

/**
 * The Management API paths of Auth0 features Guardline does not have (see `table.ts` for each answer), one route
 * per method and path so that the scope check runs first as it does in Auth0, and the route table lists them.
 */
export default function absentFeatureRoutes(app: App, _services: Services) {
  for (const feature of ABSENT_FEATURES) {
    const paths = [feature.path, `${feature.path}/*`, ...(feature.also ?? [])];
    for (const path of paths) {
      const isCollection = path === feature.path;
      app.get(path, {
        config: { scopes: [feature.readScope] },
        schema: {
          summary: `${feature.feature} (not in Guardline: answers as a tenant without the feature)`,
          querystring: AnyQuery,
          response: { 200: Type.Unknown(), '4xx': ManagementErrorBody },
        },
        handler: async (request) => {
          if (isCollection && feature.answer === 'empty') {
            const query = request.query as Record<string, unknown>;
            const paged = query.include_totals === 'true' || query.include_totals === true;
            return paged ? { start: 0, limit: Number(query.per_page ?? 50) || 50, length: 0, total: 0, [feature.listKey ?? 'items']: [] } : [];
          }
          if (isCollection && feature.answer === 'off') return feature.offBody;
          throw refusal(feature, true);
        },
      });
      for (const method of ['POST', 'PATCH', 'PUT', 'DELETE'] as const) {
        app.route({
          method,
          url: path,
          config: { scopes: [feature.writeScope] },
          schema: { summary: `${feature.feature} (not in Guardline)`, querystring: AnyQuery, body: AnyBody, response: { 200: Type.Unknown(), '4xx': ManagementErrorBody } },
          handler: async (request) => {
            // Switching an absent setting off is what a tool exporting it writes back: accepted, nothing changes.
            if (isCollection && feature.answer === 'off' && method === 'PATCH' && writesBackOff(feature, request.body)) return feature.offBody;
            throw refusal(feature, false);
          },
        });
      }
    }
  }
}
