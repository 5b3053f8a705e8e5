import type { Principal } from '@basalt/contracts';
import { AppError } from '../common/app-error.js';
import type { BucketRecord } from './buckets.repository.js';
import { fileAccess } from './file-rules.js';

const bucket = (rules: Partial<BucketRecord['rules']>, isPublic = false): BucketRecord => ({
  name: 'docs',
  public: isPublic,
  maxFileSize: 1000,
  allowedTypes: [],
  rules: { list: null, read: null, create: null, delete: null, ...rules },
  createdAt: '',
  updatedAt: '',
});
const who = (kind: Principal['kind'], scopes: Principal['scopes'] = []): Principal => ({ kind, id: kind === 'guest' ? undefined : 'x', roles: [], scopes });
const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as AppError).code;
  }
};

describe('fileAccess', () => {
  it('lets admins bypass every rule', () => {
    expect(fileAccess(who('admin'), bucket({}), 'delete')).toEqual({ kind: 'bypass' });
  });

  it('lets API keys bypass within their scope only', () => {
    expect(fileAccess(who('apiKey', ['files:read']), bucket({}), 'read')).toEqual({ kind: 'bypass' });
    expect(fileAccess(who('apiKey', ['*']), bucket({}), 'create')).toEqual({ kind: 'bypass' });
    expect(codeOf(() => fileAccess(who('apiKey', ['files:read']), bucket({}), 'create'))).toBe('forbidden');
    expect(codeOf(() => fileAccess(who('apiKey', ['records:read']), bucket({ read: '' }), 'read'))).toBe('forbidden');
  });

  it('keeps users out of null rules: 403 for list and create, 404 for single files', () => {
    expect(codeOf(() => fileAccess(who('user'), bucket({}), 'list'))).toBe('forbidden');
    expect(codeOf(() => fileAccess(who('user'), bucket({}), 'create'))).toBe('forbidden');
    expect(codeOf(() => fileAccess(who('guest'), bucket({}), 'read'))).toBe('not_found');
    expect(codeOf(() => fileAccess(who('user'), bucket({}), 'delete'))).toBe('not_found');
  });

  it('hands other callers the rule, and public buckets let everyone read', () => {
    expect(fileAccess(who('user'), bucket({ read: 'owner = @request.auth.id' }), 'read')).toEqual({ kind: 'rule', rule: 'owner = @request.auth.id' });
    expect(fileAccess(who('guest'), bucket({}, true), 'read')).toEqual({ kind: 'bypass' });
    expect(codeOf(() => fileAccess(who('guest'), bucket({}, true), 'list'))).toBe('forbidden');
  });
});
