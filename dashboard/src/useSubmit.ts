import { useCallback, useState } from 'react';
import { ApiError } from './api';

export interface Submit {
  busy: boolean;
  error: unknown;
  /** The server's per-input messages of the last failure (`name`, `fields.2.max`, ...). */
  details: Record<string, string>;
  /** Runs `work`; a failure is kept in `error`, passed to `onError`, and resolves as undefined. */
  run<T>(work: () => Promise<T>, onError?: (e: unknown) => void): Promise<T | undefined>;
  clear(): void;
}

/** A form's save button: busy while the request runs, the error kept for the form to place. */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const run = useCallback(async <T,>(work: () => Promise<T>, onError?: (e: unknown) => void): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await work();
    } catch (e) {
      setError(e);
      onError?.(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);

  const details = error instanceof ApiError ? error.details : {};
  return { busy, error, details, run, clear };
}
