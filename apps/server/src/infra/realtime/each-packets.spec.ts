import { EachPacketText, eachHasBinary, hasBinary, packEach, unpackItem } from './each-packets.js';

const record = { id: 'r1', title: 'hello "world"', tags: ['a', 'b'], at: '2026-11-21T00:00:00.000Z' };
const hiddenRecord = { id: 'r1', title: 'hello "world"' };
const emits = [
  { room: 's1', payload: { subscriptionId: 'sub-1', action: 'create', record, seq: 1 } },
  { room: 's2', payload: { subscriptionId: 'sub-2', action: 'create', record, seq: 7 } },
  { room: 's3', payload: { subscriptionId: 'sub-3', action: 'create', record: hiddenRecord, seq: 2 } },
];

describe('packEach', () => {
  it('keeps each shared object once, however many payloads hold it, and their keys once per shape', () => {
    const data = packEach('change', emits);
    expect(data.shared).toEqual([record, hiddenRecord]);
    expect(JSON.stringify(data).split('hello').length - 1).toBe(2);
    expect(data.shapes).toEqual([{ keys: ['subscriptionId', 'action', 'record', 'seq'], refs: [2] }]);
    expect(JSON.stringify(data).split('subscriptionId').length - 1).toBe(1);
    expect(data.items).toEqual([
      ['s1', ['sub-1', 'create', 0, 1], 0],
      ['s2', ['sub-2', 'create', 0, 7], 0],
      ['s3', ['sub-3', 'create', 1, 2], 0],
    ]);
  });

  it('gives payloads with other keys, or an object where another has none, a shape of their own', () => {
    const data = packEach('change', [
      { room: 'a', payload: { x: 1, y: record } },
      { room: 'b', payload: { y: record, x: 1 } },
      { room: 'c', payload: { x: 1, y: null } },
      { room: 'd', payload: { x: 2, y: hiddenRecord } },
      { room: 'e', payload: {} },
    ]);
    expect(data.shapes).toEqual([
      { keys: ['x', 'y'], refs: [1] },
      { keys: ['y', 'x'], refs: [0] },
      { keys: ['x', 'y'], refs: [] },
      { keys: [], refs: [] },
    ]);
    expect(data.items.map((i) => i[2])).toEqual([0, 1, 2, 0, 3]);
  });

  it('stores a payload as it is when its value has no JSON, or when the entry holds too many shapes', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ room: `r${i}`, payload: { [`k${i}`]: i } }));
    const data = packEach('change', [{ room: 'u', payload: { a: undefined, record } }, ...many]);
    expect(data.items[0]).toEqual(['u', { a: undefined, record }]);
    expect(data.shapes).toHaveLength(16);
    expect(data.items.slice(17).map((i) => i.length)).toEqual([2, 2, 2, 2]);
    expect(data.items.map((item) => unpackItem(data, item))).toEqual([{ a: undefined, record }, ...many.map((e) => e.payload)]);
  });

  it('gives back every payload as it was given, keys in their order, also after a trip through JSON', () => {
    const data = packEach('change', emits);
    const stored = JSON.parse(JSON.stringify(data));
    for (const d of [data, stored]) {
      const payloads = d.items.map((item: Parameters<typeof unpackItem>[1]) => unpackItem(d, item));
      expect(payloads).toEqual(emits.map((e) => e.payload));
      expect(payloads.map((p: object) => Object.keys(p))).toEqual(emits.map((e) => Object.keys(e.payload)));
    }
  });

  it('leaves payloads that are not plain objects as they are, and packs plain ones that hold no object', () => {
    const when = new Date(0);
    const data = packEach('ping', [
      { room: 'a', payload: 'text' },
      { room: 'b', payload: [record] },
      { room: 'c', payload: { n: 1, s: 'x' } },
      { room: 'd', payload: when },
      { room: 'e', payload: null },
    ]);
    expect(data.shared).toEqual([]);
    expect(data.items.map((item) => unpackItem(data, item))).toEqual(['text', [record], { n: 1, s: 'x' }, when, null]);
  });
});

describe('eachHasBinary', () => {
  it('answers as hasBinary over the whole data, wherever the binary part sits', () => {
    const bytes = Buffer.from('x');
    const cases = [
      emits,
      [...emits, { room: 's4', payload: { subscriptionId: 'sub-4', record: { ...record, file: bytes } } }],
      [...emits, { room: 's5', payload: bytes }],
      [...emits, { room: 's6', payload: [1, { deep: new Uint8Array(2) }] }],
      [{ room: 's7', payload: { n: 1, s: 'x' } }],
    ];
    expect(cases.map((c) => eachHasBinary(packEach('change', c)))).toEqual([false, true, true, true, false]);
    expect(cases.map((c) => hasBinary(packEach('change', c)))).toEqual([false, true, true, true, false]);
  });
});

describe('EachPacketText', () => {
  it('writes what Socket.IO writes for the event with the payload and offset', () => {
    const data = packEach('change', emits);
    const text = new EachPacketText(data, '/');
    emits.forEach((e, i) => {
      expect(text.of(i, `1-0:${i}`)).toBe(`2${JSON.stringify(['change', e.payload, `1-0:${i}`])}`);
      expect(text.of(i, '')).toBe(`2${JSON.stringify(['change', e.payload])}`);
    });
  });

  it('names a namespace other than "/", writes every kind of value as JSON does, and leaves out keys JSON has no value for', () => {
    const payload = { a: undefined, record, b: 2.5, f: () => 1, nan: NaN, inf: -Infinity, yes: true, no: false, none: null, s: 'é "q" \\ \n' };
    const data = packEach('change', [{ room: 's', payload }]);
    expect(new EachPacketText(data, '/admin').of(0, 'x')).toBe(`2/admin,${JSON.stringify(['change', payload, 'x'])}`);
    const { a: _a, f: _f, ...packable } = payload;
    const packed = packEach('change', [{ room: 's', payload: packable }, { room: 't', payload: {} }]);
    expect(packed.items.map((i) => i.length)).toEqual([3, 3]);
    expect(new EachPacketText(packed, '/admin').of(0, 'x')).toBe(`2/admin,${JSON.stringify(['change', packable, 'x'])}`);
    expect(new EachPacketText(packed, '/').of(1, 'x')).toBe(`2${JSON.stringify(['change', {}, 'x'])}`);
  });

  it('writes payloads that share nothing as JSON does', () => {
    const data = packEach('note', [
      { room: 's', payload: 'a "quoted" text' },
      { room: 't', payload: { n: 1 } },
    ]);
    const text = new EachPacketText(data, '/');
    expect(text.of(0, 'o')).toBe(`2${JSON.stringify(['note', 'a "quoted" text', 'o'])}`);
    expect(text.of(1, 'o')).toBe(`2${JSON.stringify(['note', { n: 1 }, 'o'])}`);
    expect(new EachPacketText(packEach('note', [{ room: 'u', payload: undefined }]), '/').of(0, 'o')).toBe(`2${JSON.stringify(['note', undefined, 'o'])}`);
  });
});
