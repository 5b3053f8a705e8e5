import { useCallback, useEffect, useState } from 'react';
import { request } from './api';

export interface CursorList<T> {
  items: T[];
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

/**
 * A list the server pages with `{items, nextCursor}` (files, push messages, devices): the first page
 * loads whenever `path` or `query` change, `loadMore()` appends the next one, `reload()` starts over.
 */
export function useCursorList<T>(path: string, query: Query = {}): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>();
  const [moreError, setMoreError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(query);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setMoreError(undefined);
    request<{ items: T[]; nextCursor: string | null }>('GET', path, { query: JSON.parse(key) as Query, signal: controller.signal })
      .then((page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e);
        setItems([]);
        setCursor(null);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, key, generation]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    request<{ items: T[]; nextCursor: string | null }>('GET', path, { query: { ...(JSON.parse(key) as Query), cursor } })
      .then((page) => {
        setItems((current) => [...current, ...page.items]);
        setCursor(page.nextCursor);
      })
      .catch(setMoreError)
      .finally(() => setLoadingMore(false));
  }, [path, key, cursor]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { items, hasMore: cursor !== null, loading, loadingMore, error, moreError, loadMore, reload };
}
