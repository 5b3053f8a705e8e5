/** File storage: buckets of files, each file streamed to the blob store under a key derived from its id. */

/**
 * Filter-language rules over `@request.auth.*` and the file's `owner`, `name`, `size`,
 * `contentType`, `metadata.*`, `createdAt`. null: admins and API keys only; "": everyone, guests too.
 */
export interface BucketRules {
  list: string | null;
  read: string | null;
  create: string | null;
  delete: string | null;
}
export type BucketRuleName = keyof BucketRules;

export interface Bucket {
  name: string;
  /** Anyone, guests included, may read a file's metadata and content (the read rule is not consulted). */
  public: boolean;
  /** Bytes; an upload is cut off with 413 as soon as it passes this. */
  maxFileSize: number;
  /** Content types (sniffed from the bytes) accepted, e.g. `image/*`; empty = any. */
  allowedTypes: string[];
  rules: BucketRules;
  createdAt: string;
  updatedAt: string;
}

export interface CreateBucketRequest {
  name: string;
  public?: boolean;
  maxFileSize?: number;
  allowedTypes?: string[];
  rules?: Partial<BucketRules>;
}

export type UpdateBucketRequest = Partial<Omit<CreateBucketRequest, 'name'>>;

export interface StoredFile {
  id: string;
  bucket: string;
  /** As given by the client (stored literally, never used as a path). */
  name: string;
  size: number;
  /** Sniffed from the bytes; the declared type is only a fallback for text. */
  contentType: string;
  /** Hex sha256 of the bytes (sent quoted as the ETag header). */
  etag: string;
  /** The uploading user; null for admins and API keys. */
  owner: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export interface FileList {
  items: StoredFile[];
  limit: number;
  nextCursor: string | null;
}

export interface SignedUrlRequest {
  /** Seconds, 1 to 604800 (7 days). Default 3600. */
  expiresIn?: number;
}

export interface SignedUrlResponse {
  url: string;
  expiresAt: string;
}

/** What one reconciler run removed. */
export interface StorageReconcileResult {
  /** Blobs under `files/` that had no row. */
  orphanBlobs: number;
  /** Uploads left `pending` longer than the stale limit (row and blob). */
  stalePending: number;
  /** Files attached to a record that is gone or no longer holds them (row and blob). */
  releasedFiles: number;
}

/** Admin view of a bucket's use (`GET /api/storage/buckets/:bucket/stats`). */
export interface BucketStats {
  /** Ready files and their bytes. */
  files: number;
  bytes: number;
  /** Uploads in progress (or left behind by a crash until the reconciler removes them). */
  pending: number;
}
