import { useCallback, useEffect, useState } from 'react';
import { request } from './api';

export interface CursorList<T> {
  items: T[];
  /** Every item matching the query, when the first page was asked to count (e.g. `count=true` on records). */
  total: number | undefined;
  hasMore: boolean;
  loading: boolean;
  loadingMore: boolean;
  /** The first page's failure (e.g. `invalid_filter`); a failed "load more" is in `moreError`. */
  error: unknown;
  moreError: unknown;
  loadMore(): void;
  reload(): void;
}

type Query = Record<string, string | number | undefined>;

interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

const NO_EXTRAS: Query = {};

/**
 * A list the server pages with `{items, nextCursor}` (records, files, push messages, devices): the
 * first page loads whenever `path` or `query` change, `loadMore()` appends the next one, `reload()`
 * starts over. `firstPage` is sent with the first page only (e.g. `count`, which later pages need not repeat).
 */
export function useCursorList<T>(path: string, query: Query = {}, firstPage: Query = NO_EXTRAS): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState<number>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>();
  const [moreError, setMoreError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(query);
  const firstKey = JSON.stringify(firstPage);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setMoreError(undefined);
    const firstQuery = { ...(JSON.parse(key) as Query), ...(JSON.parse(firstKey) as Query) };
    request<Page<T>>('GET', path, { query: firstQuery, signal: controller.signal })
      .then((page) => {
        setItems(page.items);
        setTotal(page.total);
        setCursor(page.nextCursor);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e);
        setItems([]);
        setTotal(undefined);
        setCursor(null);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, key, firstKey, generation]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    request<Page<T>>('GET', path, { query: { ...(JSON.parse(key) as Query), cursor } })
      .then((page) => {
        setItems((current) => [...current, ...page.items]);
        setCursor(page.nextCursor);
      })
      .catch(setMoreError)
      .finally(() => setLoadingMore(false));
  }, [path, key, cursor]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { items, total, hasMore: cursor !== null, loading, loadingMore, error, moreError, loadMore, reload };
}
