import type { BaseRecord } from '@basalt/contracts';
import { type CursorList, useCursorList } from '../../useCursorList';

const COUNT_FIRST_PAGE = { count: 'true' };

/** A collection's records, page by page with `nextCursor` and a total; a new filter or sort starts over. */
export function useRecordList(collection: string, filter: string, sort: string, limit: number): CursorList<BaseRecord> {
  return useCursorList<BaseRecord>(`/api/collections/${encodeURIComponent(collection)}/records`, { filter, sort, limit }, COUNT_FIRST_PAGE);
}
