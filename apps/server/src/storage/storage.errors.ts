import { AppError, Errors } from '../common/app-error.js';

export const StorageErrors = {
  fileNotFound: () => Errors.notFound('file'),
  bucketNotFound: (name: string) => Errors.notFound(`bucket ${name}`),
  tooLarge: (max: number) => new AppError('payload_too_large', `the file is larger than this bucket's limit of ${max} bytes`, { maxFileSize: String(max) }),
  typeRefused: (type: string, allowed: readonly string[]) =>
    new AppError('unsupported_media_type', `files of type ${type} are not allowed in this bucket (allowed: ${allowed.join(', ')})`, { contentType: type }),
  notMultipart: () => new AppError('unsupported_media_type', 'send the file as multipart/form-data with a part named "file"'),
  badSignature: (why: 'expired' | 'invalid') =>
    new AppError('forbidden', why === 'expired' ? 'this signed URL has expired' : 'this signed URL is not valid (expires and signature must come unchanged from the server)'),
  rangeNotSatisfiable: (size: number) => new AppError('range_not_satisfiable', `the requested range is not within the file's ${size} bytes`, { size: String(size) }),
};
