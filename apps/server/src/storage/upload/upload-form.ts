import { Errors } from '../../common/app-error.js';

export const MAX_NAME_LENGTH = 255;
export const MAX_METADATA_BYTES = 16 * 1024;
/** C0 and C1 control characters (NUL included) and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The non-file parts of an upload: `name` and `metadata` (JSON object). They may come before or
 * after the file part; fields seen before it are checked at once so a bad upload fails early.
 */
export class UploadForm {
  name?: string;
  metadata: Record<string, unknown> = {};

  field(fieldName: string, value: string, truncated: boolean): void {
    if (fieldName === 'name') {
      if (truncated) throw Errors.validation({ name: `must be at most ${MAX_NAME_LENGTH} characters` });
      this.name = checkName(value, 'name');
    } else if (fieldName === 'metadata') {
      if (truncated) throw Errors.validation({ metadata: `must be at most ${MAX_METADATA_BYTES} bytes of JSON` });
      this.metadata = checkMetadata(value);
    } else {
      throw Errors.validation({ [fieldName.slice(0, 100) || 'field']: 'is not a part of an upload (send file, name and metadata)' });
    }
  }
}

/**
 * A file name is kept exactly as given: any characters except control characters, at most 255.
 * It is only ever data (never part of a blob key or a path), so `../x` is a harmless name.
 */
export function checkName(value: string, field: string): string {
  if (value.length === 0) throw Errors.validation({ [field]: 'must not be empty' });
  if ([...value].length > MAX_NAME_LENGTH) throw Errors.validation({ [field]: `must be at most ${MAX_NAME_LENGTH} characters` });
  if (CONTROL.test(value)) throw Errors.validation({ [field]: 'must not contain control characters (NUL, newlines, ...)' });
  // A lone surrogate cannot be stored as UTF-8.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) throw Errors.validation({ [field]: 'must be valid Unicode' });
  return value;
}

function checkMetadata(value: string): Record<string, unknown> {
  if (Buffer.byteLength(value) > MAX_METADATA_BYTES) throw Errors.validation({ metadata: `must be at most ${MAX_METADATA_BYTES} bytes of JSON` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw Errors.validation({ metadata: 'must be a JSON object' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw Errors.validation({ metadata: 'must be a JSON object' });
  // Postgres jsonb cannot hold U+0000 (escaped or not).
  if (value.includes('\\u0000') || value.includes('\u0000')) throw Errors.validation({ metadata: 'must not contain NUL characters' });
  return parsed as Record<string, unknown>;
}
