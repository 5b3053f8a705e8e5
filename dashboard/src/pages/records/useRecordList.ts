import { useCallback, useEffect, useState } from 'react';
import type { BaseRecord, RecordList } from '@basalt/contracts';
import { request } from '../../api';

export interface RecordListState {
  items: BaseRecord[];
  /** All records matching the filter (`count=true` on the first page). */
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

/** A collection's records, page by page with `nextCursor`; a new filter or sort starts over. */
export function useRecordList(collection: string, filter: string, sort: string, limit: number): RecordListState {
  const path = `/api/collections/${encodeURIComponent(collection)}/records`;
  const [items, setItems] = useState<BaseRecord[]>([]);
  const [total, setTotal] = useState<number>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>();
  const [moreError, setMoreError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setMoreError(undefined);
    request<RecordList>('GET', path, { query: { filter, sort, limit, count: 'true' }, signal: controller.signal })
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
  }, [path, filter, sort, limit, generation]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    request<RecordList>('GET', path, { query: { filter, sort, limit, cursor } })
      .then((page) => {
        setItems((current) => [...current, ...page.items]);
        setCursor(page.nextCursor);
      })
      .catch(setMoreError)
      .finally(() => setLoadingMore(false));
  }, [path, filter, sort, limit, cursor]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { items, total, hasMore: cursor !== null, loading, loadingMore, error, moreError, loadMore, reload };
}
