import { isUuid } from '../common/ids.js';
import { AppError } from '../common/app-error.js';

/** Push lists page by id (UUIDv7, so by creation time): the cursor is the last id seen, opaque to clients. */
export function encodePageCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodePageCursor(cursor: string | undefined): string | null {
  if (cursor === undefined || cursor === '') return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id)) throw new AppError('validation_failed', 'cursor: is not a cursor this list gave out', { cursor: 'is not a cursor this list gave out' });
  return id;
}

export function pageOf<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodePageCursor(items[items.length - 1]!.id) : null };
}
