import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
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

type Dto = new () => object;

/** Distinct query strings remembered per DTO class, and the longest remembered (a bound on memory). */
const MAX_QUERIES_PER_DTO = 500;
const MAX_QUERY_KEY_LENGTH = 2048;

/**
 * Whether a query string is valid, and what it transforms to, depends on nothing but the string: a
 * query seen before gets a copy of its earlier result without class-transformer and class-validator
 * (~6 % of a record read's CPU). Apps repeat the same few queries (the empty one most of all); only
 * valid results are kept, at most MAX_QUERIES_PER_DTO per DTO class, oldest dropped first.
 */
class BasaltValidationPipe extends ValidationPipe {
  private readonly knownQueries = new Map<Dto, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype as Dto | undefined;
    const key = metadata.type === 'query' ? queryKey(value) : null;
    if (!dto || key === null) return super.transform(value, metadata);
    let known = this.knownQueries.get(dto);
    if (!known) this.knownQueries.set(dto, (known = new Map()));
    const hit = known.get(key);
    if (hit) return copyOf(hit, dto.prototype as object);
    const result = (await super.transform(value, metadata)) as object;
    if (known.size >= MAX_QUERIES_PER_DTO) known.delete(known.keys().next().value!);
    known.set(key, copyOf(result, Object.prototype));
    return result;
  }
}

/** The parsed query string as a key, or null for one too long to remember. */
function queryKey(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const key = JSON.stringify(value);
  return key.length <= MAX_QUERY_KEY_LENGTH ? key : null;
}

/** A copy the handler may change without changing what is remembered (query DTOs hold scalars and arrays of them). */
function copyOf(result: object, proto: object): object {
  const out = Object.create(proto) as Record<string, unknown>;
  for (const [k, v] of Object.entries(result)) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

/** Unknown properties are refused, not dropped, so a typo never passes silently. */
export function createValidationPipe(): ValidationPipe {
  return new BasaltValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => validationFailed(errors),
  });
}
