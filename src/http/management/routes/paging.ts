import { ManagementError } from '../../../errors/errors.js';

/** Auth0's `page`/`per_page` (page counted from 0) as the store's offset and limit. */
export function pageWindow(query: { page?: number; per_page?: number }, defaultPerPage = 50) {
  const page = query.page ?? 0;
  const perPage = query.per_page ?? defaultPerPage;
  return { page, perPage, offset: page * perPage, limit: perPage };
}

export type ListWindow = ReturnType<typeof pageWindow> & { checkpoint: boolean };

/**
 * The window of a list that has both of Auth0's paging styles: `from`/`take` (checkpoint) wins when either is
 * given, as in Auth0; otherwise `page`/`per_page`. The checkpoint cursor is opaque to callers: here, the offset
 * of the next entry. Lists with checkpoint paging are small and ordered by creation, so an offset is exact.
 */
export function listWindow(query: { page?: number; per_page?: number; from?: string; take?: number }): ListWindow {
  if (query.from === undefined && query.take === undefined) return { ...pageWindow(query), checkpoint: false };
  const limit = query.take ?? 50;
  const offset = query.from === undefined ? 0 : decodeCursor(query.from);
  return { page: 0, perPage: limit, offset, limit, checkpoint: true };
}

/**
 * A list's answer in the shape its window asks for: checkpoint `{key: [...], next?}`; or the page — a bare array,
 * or Auth0's `{start, limit, length, total, key}` when `total` (include_totals) is known.
 */
export function listBody<T>(key: string, items: T[], window: ListWindow, total: number | undefined) {
  if (window.checkpoint) {
    const more = total === undefined ? items.length === window.limit : window.offset + items.length < total;
    return more && items.length > 0 ? { [key]: items, next: encodeCursor(window.offset + items.length) } : { [key]: items };
  }
  if (total === undefined) return items;
  return { start: window.offset, limit: window.perPage, length: items.length, total, [key]: items };
}

const CURSOR_PREFIX = 'o';

function encodeCursor(offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${offset}`).toString('base64url');
}

function decodeCursor(from: string): number {
  const text = Buffer.from(from, 'base64url').toString('utf8');
  const offset = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0 || encodeCursor(offset) !== from) {
    throw new ManagementError('invalid_query_string', 'from: not a value this list returned as next');
  }
  return offset;
}
