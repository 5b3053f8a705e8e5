import { useCallback, useEffect, useState } from 'react';
import { request, type RequestOptions } from './api';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Loads `GET path` when mounted and whenever `path` or `query` change; `reload()` fetches again. */
export function useApi<T>(path: string, options: Pick<RequestOptions, 'query' | 'okStatuses'> = {}): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(options);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    request<T>('GET', path, { ...(JSON.parse(key) as RequestOptions), signal: controller.signal })
      .then((body) => {
        setData(body);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}
