import { ERROR_STATUS, type ErrorCode } from '@basalt/contracts';

/** The one error type services throw; the global filter turns it into the API envelope. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, string>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const Errors = {
  notFound: (what = 'resource') => new AppError('not_found', `${what} not found`),
  unauthorized: (message = 'missing or invalid credentials') => new AppError('unauthorized', message),
  forbidden: (message = 'you may not do this') => new AppError('forbidden', message),
  validation: (details: Record<string, string>) => {
    const [field, problem] = Object.entries(details)[0] ?? ['body', 'is invalid'];
    return new AppError('validation_failed', `${field}: ${problem}`, details);
  },
  conflict: (message: string) => new AppError('conflict', message),
};
