import type { Bucket, BucketRules, BucketStats } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { AppError, Errors } from '../common/app-error.js';
import { SchemaRegistry } from '../collections/schema/schema-registry.js';
import { JobQueue } from '../infra/queue/job-queue.port.js';
import { BucketsRepository, type BucketRecord } from './buckets.repository.js';
import { type CreateBucketDto, DEFAULT_MAX_FILE_SIZE, type UpdateBucketDto } from './dto/bucket.dto.js';
import { checkRule } from './file-rules.js';

const RULE_NAMES = ['list', 'read', 'create', 'delete'] as const;
const MAX_RULE_LENGTH = 4096;

/** Bucket definitions (admins and `schema:write` keys). */
@Injectable()
export class BucketsService {
  constructor(
    private readonly repo: BucketsRepository,
    private readonly registry: SchemaRegistry,
    private readonly queue: JobQueue,
  ) {}

  list(): Promise<Bucket[]> {
    return this.repo.all();
  }

  async get(name: string): Promise<BucketRecord> {
    const bucket = await this.repo.find(name);
    if (!bucket) throw Errors.notFound(`bucket ${name}`);
    return bucket;
  }

  async stats(name: string): Promise<BucketStats> {
    await this.get(name);
    return this.repo.stats(name);
  }

  async create(body: CreateBucketDto): Promise<Bucket> {
    const created = await this.repo.insert({
      name: body.name,
      public: body.public ?? false,
      maxFileSize: body.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      allowedTypes: dedupe(body.allowedTypes ?? []),
      rules: this.rules(body.rules, { list: null, read: null, create: null, delete: null }),
    });
    if (!created) throw Errors.conflict(`a bucket named ${body.name} already exists`);
    return created;
  }

  async update(name: string, body: UpdateBucketDto): Promise<Bucket> {
    const current = await this.get(name);
    const updated = await this.repo.update({
      name,
      public: body.public ?? current.public,
      maxFileSize: body.maxFileSize ?? current.maxFileSize,
      allowedTypes: body.allowedTypes ? dedupe(body.allowedTypes) : current.allowedTypes,
      rules: this.rules(body.rules, current.rules),
    });
    if (!updated) throw Errors.notFound(`bucket ${name}`);
    return updated;
  }

  /** Removes the bucket and its files; the blobs go with the next reconciler run, started now. */
  async delete(name: string): Promise<void> {
    const holders = this.registry.list().flatMap((c) => c.fields.filter((f) => f.type === 'file' && f.bucket === name).map((f) => `${c.name}.${f.name}`));
    if (holders.length) throw Errors.conflict(`file fields still point at bucket ${name}: ${holders.join(', ')}`);
    if (!(await this.repo.delete(name))) throw Errors.notFound(`bucket ${name}`);
    await this.queue.enqueue('storage.reconcile', {}, { idempotencyKey: `storage.reconcile:bucket:${name}:${Date.now()}` });
  }

  /** Merges given rules over `base`, refusing unknown names and rules that do not compile. */
  private rules(given: Record<string, unknown> | undefined, base: BucketRules): BucketRules {
    if (given === undefined) return base;
    const problems: Record<string, string> = {};
    const out: BucketRules = { ...base };
    for (const [key, value] of Object.entries(given)) {
      if (!(RULE_NAMES as readonly string[]).includes(key)) {
        problems[`rules.${key}`] = `is not a bucket rule (known: ${RULE_NAMES.join(', ')})`;
        continue;
      }
      if (value !== null && typeof value !== 'string') {
        problems[`rules.${key}`] = 'must be a filter expression, "" (everyone) or null (admins only)';
        continue;
      }
      if (typeof value === 'string' && value.length > MAX_RULE_LENGTH) {
        problems[`rules.${key}`] = `must be at most ${MAX_RULE_LENGTH} characters`;
        continue;
      }
      if (typeof value === 'string' && value.trim() !== '') {
        try {
          checkRule(value, this.registry);
        } catch (e) {
          if (e instanceof AppError && e.code === 'invalid_filter') {
            throw new AppError('invalid_filter', `rules.${key}: ${e.message}`, { ...e.details, rule: key });
          }
          throw e;
        }
      }
      out[key as keyof BucketRules] = value as string | null;
    }
    if (Object.keys(problems).length) throw Errors.validation(problems);
    return out;
  }
}

function dedupe(types: string[]): string[] {
  return [...new Set(types)];
}
