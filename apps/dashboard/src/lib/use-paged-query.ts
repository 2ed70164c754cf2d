import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface PagedQueryOptions<T> {
  queryKey: QueryKey;
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  enabled?: boolean;
  refetchInterval?: number | false;
  /** How long a loaded list counts as fresh. (Default: the client's, 10 s) */
  staleTime?: number;
}

/** A keyset-paginated list (`{ items, nextCursor }`) read page by page with "Load more". */
export function usePagedQuery<T>({
  queryKey,
  fetchPage,
  enabled = true,
  refetchInterval = false,
  staleTime,
}: PagedQueryOptions<T>) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
    refetchInterval,
    ...(staleTime === undefined ? {} : { staleTime }),
  });
  return { ...query, items: query.data?.pages.flatMap((page) => page.items) ?? [] };
}
