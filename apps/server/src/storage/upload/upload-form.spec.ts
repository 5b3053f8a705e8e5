import { AppError } from '../../common/app-error.js';
import { checkName, UploadForm } from './upload-form.js';

const problem = (f: () => unknown): Record<string, string> | undefined => {
  try {
    f();
  } catch (e) {
    return (e as AppError).details;
  }
  return undefined;
};

describe('checkName', () => {
  it.each(['../../x', '%2e%2e%2f', 'C:\\Windows\\x', 'a/b/c', 'ünï 📄', 'x'.repeat(255), '📄'.repeat(255)])('keeps %j literally', (name) => {
    expect(checkName(name, 'name')).toBe(name);
  });

  it.each([
    ['', 'must not be empty'],
    ['a\u0000b', 'control'],
    ['a\nb', 'control'],
    ['a\u0085b', 'control'],
    ['x'.repeat(256), 'at most 255'],
    ['x'.repeat(2048), 'at most 255'],
    ['a\uD800b', 'valid Unicode'],
  ])('refuses %j', (name, message) => {
    expect(problem(() => checkName(name, 'name'))?.name).toContain(message);
  });
});

describe('UploadForm', () => {
  it('reads name and metadata, refusing other fields and non-object metadata', () => {
    const form = new UploadForm();
    form.field('name', 'a.txt', false);
    form.field('metadata', '{"a":1}', false);
    expect([form.name, form.metadata]).toEqual(['a.txt', { a: 1 }]);
    expect(problem(() => form.field('metadata', '[1]', false))).toHaveProperty('metadata');
    expect(problem(() => form.field('metadata', '{', false))).toHaveProperty('metadata');
    expect(problem(() => form.field('metadata', '{"a":"\\u0000"}', false))).toHaveProperty('metadata');
    expect(problem(() => form.field('owner', 'x', false))).toHaveProperty('owner');
    expect(problem(() => form.field('name', 'x', true))).toHaveProperty('name');
  });
});
