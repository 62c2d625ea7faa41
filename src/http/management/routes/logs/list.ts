import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../../services/index.js';
import type { LogFilter } from '../../../../store/repositories/logs.js';
import { ManagementErrorBody, PagingQuery, StrictObject, paged, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { pageWindow } from '../paging.js';
import { clauseValue, parseSearchQuery } from '../query-string.js';
import { Log, LogSort, sortOrder, withTenantName } from './schemas.js';

const ListLogsQuery = StrictObject({
  ...PagingQuery,
  sort: Type.Optional(LogSort),
  q: Type.Optional(Type.String({ maxLength: 1024 })),
  from: Type.Optional(Type.String({ pattern: '^[0-9]{1,64}$' })),
  take: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

const QUERY_FIELDS = { type: { multiple: true }, user_id: { multiple: false }, client_id: { multiple: false } };

function filterFrom(q: string | undefined): LogFilter {
  const clauses = parseSearchQuery(q ?? '', QUERY_FIELDS);
  return {
    types: clauses.find((c) => c.field === 'type')?.values,
    userId: clauseValue(clauses, 'user_id'),
    clientId: clauseValue(clauses, 'client_id'),
  };
}

/**
 * Auth0's checkpoint paging answers with a `Link: <…?from=LAST&take=N>; rel="next"` header. The URL is built from
 * the tenant's configured origin (its issuer) and the route's own path, never from Host, X-Forwarded-* or the
 * request line: a client that follows the link must not be sent, with its token, to a host the caller chose.
 */
function nextLink(request: FastifyRequest, from: string, take: number): string {
  const url = new URL(request.routeOptions.url ?? '/api/v2/logs', request.tenant.issuer);
  url.searchParams.set('from', from);
  url.searchParams.set('take', String(take));
  return `<${url.toString()}>; rel="next"`;
}

/**
 * GET /api/v2/logs — by search criteria (`q`, `page`/`per_page`, `sort`, `include_totals`) or by checkpoint
 * (`from` + `take`: entries after that log id, oldest first; paging and sort are then ignored as in Auth0,
 * but `q` still filters).
 */
export default function listLogsRoute(app: App, services: Services) {
  app.get('/logs', {
    config: { scopes: ['read:logs', 'read:logs_users'] },
    schema: {
      summary: 'Search log events',
      querystring: ListLogsQuery,
      response: { 200: pagedResponse('logs', Log), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      const { tenant, query } = request;
      const filter = filterFrom(query.q);
      if (query.from !== undefined) {
        const take = query.take ?? 50;
        const { logs } = await services.events.list(tenant.id, { ...filter, afterLogId: query.from }, { offset: 0, limit: take, order: 'asc' }, false);
        reply.header('link', nextLink(request, logs.at(-1)?.log_id ?? query.from, take));
        return logs.map(withTenantName(tenant));
      }
      const window = pageWindow(query);
      const page = { offset: window.offset, limit: window.limit, order: sortOrder(query.sort) };
      const { logs, total } = await services.events.list(tenant.id, filter, page, query.include_totals === true);
      return paged('logs', logs.map(withTenantName(tenant)), window, total);
    },
  });
}
