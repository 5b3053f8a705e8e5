import type { Principal } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { Errors } from '../../common/app-error.js';
import type { AuthValues } from '../query/filter-context.js';
import type { Executor } from './request-scope.js';

/** The record a write is about: ids stable across renames (collection id, field ids). */
export interface FileHolder {
  collectionId: string;
  recordId: string;
}

/** New ids one `file` field is about to hold. */
export interface FileFieldClaim {
  fieldId: string;
  field: string;
  bucket: string;
  ids: string[];
}

/** What file storage answers for `file` fields; implemented by the storage module, which registers itself. */
export interface FileReferenceChecker {
  /**
   * Judges the ids each field is about to hold and attaches the unattached ones to `holder`, all
   * on `db`, the writing transaction (the attachment commits or rolls back with the record; with
   * PGlite's single connection any other connection would wait on it). Returns a problem per field.
   */
  claim(db: Executor, principal: Principal, auth: AuthValues, holder: FileHolder, fields: FileFieldClaim[]): Promise<Record<string, string>>;
}

/**
 * The port between records and file storage: a `file` field may only hold ids of files in its
 * bucket that the writing caller may read and that no other record owns. Collections define it and
 * never import storage; storage plugs its checker in at boot. Without storage, no file id is accepted.
 */
@Injectable()
export class FileFieldGuard {
  private checker: FileReferenceChecker | null = null;

  use(checker: FileReferenceChecker): void {
    this.checker = checker;
  }

  /** Throws 400 naming every field that holds an id the caller may not use. */
  async claim(db: Executor, principal: Principal, auth: AuthValues, holder: FileHolder, fields: FileFieldClaim[]): Promise<void> {
    const claims = fields.filter((f) => f.ids.length > 0);
    if (claims.length === 0) return;
    const problems = this.checker
      ? await this.checker.claim(db, principal, auth, holder, claims)
      : Object.fromEntries(claims.map((f) => [f.field, 'file storage is not available']));
    if (Object.keys(problems).length) throw Errors.validation(problems);
  }
}
