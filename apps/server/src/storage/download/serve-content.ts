import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
export async function serveContent(req: FastifyRequest, res: FastifyReply, file: FileRow, blobs: BlobStore, cacheable: boolean): Promise<void> {
  const etag = `"${file.etag}"`;
  res.header('ETag', etag);
  res.header('Last-Modified', file.createdAt.toUTCString());
  res.header('Accept-Ranges', 'bytes');
  res.header('X-Content-Type-Options', 'nosniff');
  res.header('Cache-Control', cacheable ? 'public, max-age=300' : 'private, no-cache');
  if (matchesEtag(req.headers['if-none-match'], file.etag)) {
    await res.code(304).send();
    return;
  }
  // If-Range with another validator: the client's partial copy is stale, so send everything.
  const ifRange = req.headers['if-range'] as string | undefined;
  const rangeHeader = ifRange !== undefined && ifRange.trim() !== etag ? undefined : req.headers.range;
  const answer = parseRange(rangeHeader, file.size);
  if (answer.kind === 'unsatisfiable') {
    res.header('Content-Range', `bytes */${file.size}`);
    throw StorageErrors.rangeNotSatisfiable(file.size);
  }
  const range = answer.kind === 'partial' ? answer.range : undefined;
  // An empty file has no byte to ask the store for; a HEAD request wants none.
  const body = file.size === 0 || req.method === 'HEAD' ? null : await blobs.get(blobKeyOf(file.bucket, file.id), range);
  res.header('Content-Type', file.contentType.startsWith('text/') ? `${file.contentType}; charset=utf-8` : file.contentType);
  res.header('Content-Disposition', contentDisposition(isActiveContent(file.contentType) ? 'attachment' : 'inline', file.name));
  if (range) {
    res.code(206);
    res.header('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    res.header('Content-Length', String(range.end - range.start + 1));
  } else {
    res.code(200);
    res.header('Content-Length', String(file.size));
  }
  // Fastify pipes the stream and destroys the response if the store fails mid-body. No body is sent
  // as an empty stream: for HEAD, Fastify would replace the Content-Length of "nothing" with 0.
  await res.send(body ?? Readable.from([]));
}
