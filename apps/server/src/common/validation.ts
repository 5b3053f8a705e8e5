import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from './app-error.js';

/** class-validator's nested errors as `{ "a.b.0.c": "problem" }`, one message per property. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const first = e.constraints ? Object.values(e.constraints)[0] : undefined;
    if (first) out[path] = first.replace(new RegExp(`^${escapeRegExp(e.property)} `), 'must ').replace(/^must (must|should) /, 'must ');
    if (e.children?.length) Object.assign(out, flattenValidationErrors(e.children, path));
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function validationFailed(errors: ValidationError[]): AppError {
  const details = flattenValidationErrors(errors);
  const [field, problem] = Object.entries(details)[0] ?? ['body', 'is invalid'];
  return new AppError('validation_failed', `${field}: ${problem}`, details);
}

/** Unknown properties are refused, not dropped, so a typo never passes silently. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => validationFailed(errors),
  });
}
