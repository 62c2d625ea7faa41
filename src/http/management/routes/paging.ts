/** Auth0's `page`/`per_page` (page counted from 0) as the store's offset and limit. */
export function pageWindow(query: { page?: number; per_page?: number }, defaultPerPage = 50) {
  const page = query.page ?? 0;
  const perPage = query.per_page ?? defaultPerPage;
  return { page, perPage, offset: page * perPage, limit: perPage };
}
