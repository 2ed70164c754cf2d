import { Button } from './button';

export function LoadMore({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}) {
  if (!hasNextPage) return null;
  return (
    <div className="flex justify-center border-t border-slate-100 px-5 py-3">
      <Button variant="ghost" size="sm" isLoading={isFetchingNextPage} onClick={fetchNextPage}>
        Load more
      </Button>
    </div>
  );
}
