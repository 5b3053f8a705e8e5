import type { Collection, ListResponse } from '@basalt/contracts';
import { useApi, type Resource } from '../../useApi';

/** Every collection's schema: the list page, the relation target dropdown and the records browser all read it. */
export function useCollections(): Resource<ListResponse<Collection>> & { items: Collection[]; find(name: string): Collection | undefined } {
  const resource = useApi<ListResponse<Collection>>('/api/collections');
  const items = resource.data?.items ?? [];
  return { ...resource, items, find: (name) => items.find((c) => c.name === name) };
}
