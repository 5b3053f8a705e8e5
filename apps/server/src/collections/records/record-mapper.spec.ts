import type { BaseRecord } from '@basalt/contracts';
import { etagOf } from './record-mapper.js';

const record = {
  id: 'r1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  title: 'Ünïcode "q"',
  n: 1.5,
  meta: { z: [1, { b: null, a: true }], a: 'x' },
  none: null,
} as unknown as BaseRecord;

describe('etagOf', () => {
  it('is the ETag earlier versions gave the same record, so clients holding one keep their 304s', () => {
    expect(etagOf(record)).toBe('"mMOAIbTyJ3_UhXPyr81pmKbJz78"');
  });

  it('does not depend on the order of keys, at any depth, nor on expand', () => {
    const reordered = { meta: { a: 'x', z: [1, { a: true, b: null }] }, none: null, n: 1.5, title: 'Ünïcode "q"', updatedAt: record.updatedAt, createdAt: record.createdAt, id: 'r1' };
    expect(etagOf(reordered as unknown as BaseRecord)).toBe(etagOf(record));
    expect(etagOf({ ...record, expand: { author: { id: 'u1' } } } as unknown as BaseRecord)).toBe(etagOf(record));
  });

  it.each([
    ['a top-level value', { title: 'other' }],
    ['a nested value', { meta: { z: [1, { b: null, a: false }], a: 'x' } }],
    ['the order of an array', { meta: { z: [{ b: null, a: true }, 1], a: 'x' } }],
    ['the update time', { updatedAt: '2026-01-02T00:00:00.001Z' }],
  ])('changes with %s', (_, change) => {
    expect(etagOf({ ...record, ...change } as BaseRecord)).not.toBe(etagOf(record));
  });
});
