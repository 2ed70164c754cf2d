interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Every item of a keyset-paginated list, for pickers that need the whole set (lists, fields,
 * segments). Stops after `maxPages` so a huge account degrades to a partial picker, not a hang.
 */
export async function fetchAllPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  maxPages = 10,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await fetchPage(cursor);
    items.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return items;
}
