import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../infra/blobs/blob-store.port.js';
import { blobKeyOf, type FileRow } from '../files.repository.js';
import { StorageErrors } from '../storage.errors.js';
import { isActiveContent } from '../upload/sniff-type.js';
import { matchesEtag, parseRange } from './byte-range.js';
import { contentDisposition } from './content-disposition.js';

/**
 * Sends a file's bytes: 304 when `If-None-Match` names its etag, 206 for one satisfiable `Range`
 * (416 otherwise), else 200. The type is the sniffed one, `nosniff` keeps browsers from guessing
 * another, and active content (html, svg, xml, scripts) is always an attachment, so it never
 * runs on the API's origin. `cacheable` allows shared caches (public buckets without a signature).
 */
export async function serveContent(req: Request, res: Response, file: FileRow, blobs: BlobStore, cacheable: boolean): Promise<void> {
  const etag = `"${file.etag}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', file.createdAt.toUTCString());
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', cacheable ? 'public, max-age=300' : 'private, no-cache');
  if (matchesEtag(req.headers['if-none-match'], file.etag)) {
    res.status(304).end();
    return;
  }
  // If-Range with another validator: the client's partial copy is stale, so send everything.
  const ifRange = req.get('if-range');
  const rangeHeader = ifRange !== undefined && ifRange.trim() !== etag ? undefined : req.get('range');
  const answer = parseRange(rangeHeader, file.size);
  if (answer.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${file.size}`);
    throw StorageErrors.rangeNotSatisfiable(file.size);
  }
  const range = answer.kind === 'partial' ? answer.range : undefined;
  // An empty file has no byte to ask the store for.
  const body = file.size === 0 ? null : await blobs.get(blobKeyOf(file.bucket, file.id), range);
  res.setHeader('Content-Type', file.contentType.startsWith('text/') ? `${file.contentType}; charset=utf-8` : file.contentType);
  res.setHeader('Content-Disposition', contentDisposition(isActiveContent(file.contentType) ? 'attachment' : 'inline', file.name));
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader('Content-Length', String(file.size));
  }
  if (!body || req.method === 'HEAD') {
    body?.destroy();
    res.end();
    return;
  }
  try {
    await pipeline(body, res);
  } catch {
    // The client went away or the store failed mid-body: nothing more can be said on this response.
    res.destroy();
  }
}
