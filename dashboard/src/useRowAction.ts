import { useState } from 'react';
import { useToast } from './components/Toasts';

/** A button on a table row: remembers which row is busy, toasts the outcome, reloads the table on success. */
export function useRowAction<T extends { id: string }>(action: (item: T) => Promise<string>, reload: () => void) {
  const toast = useToast();
  const [busyId, setBusyId] = useState<string | null>(null);

  async function run(item: T): Promise<void> {
    setBusyId(item.id);
    try {
      toast.success(await action(item));
      reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusyId(null);
    }
  }

  return { run, busyId };
}
