import type { RoomEmit } from './realtime-adapter.port.js';

/**
 * One room's packet of an `emitEach`: a plain object's values in the order of its shape's keys (an
 * object value as its index in `shared`), or, for any other payload, the payload as it is.
 */
type EachItem = [room: string, values: unknown[], shape: number] | [room: string, payload: unknown];

/** The keys of packed payloads, and the positions of the values that are indexes into `shared`. */
interface Shape {
  keys: string[];
  refs: number[];
}

/**
 * The packets of one `emitEach` as stored in a stream entry. A change fanned out to a thousand
 * sockets is a thousand small payloads around one record, all with the same keys: object values are
 * kept once in `shared` (the same object twice is one entry) and the keys once per shape, so each
 * item holds only its room and its own values.
 */
export interface EachData {
  event: string;
  shared: unknown[];
  shapes: Shape[];
  items: EachItem[];
}

/** Shapes one entry may hold; a payload of yet another shape is stored as it is. */
const MAX_SHAPES = 16;

export function packEach(event: string, emits: readonly RoomEmit[]): EachData {
  const indexOf = new Map<object, number>();
  const shared: unknown[] = [];
  const shapes: Shape[] = [];
  const items = emits.map(({ room, payload }): EachItem => {
    if (!isPlainObject(payload)) return [room, payload];
    const keys = Object.keys(payload);
    const values = new Array<unknown>(keys.length);
    const refs: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const value = payload[keys[i]!];
      if (value !== null && typeof value === 'object') {
        let index = indexOf.get(value);
        if (index === undefined) {
          index = shared.push(value) - 1;
          indexOf.set(value, index);
        }
        values[i] = index;
        refs.push(i);
      } else if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        values[i] = value;
      } else {
        // undefined, a function, a bigint or a symbol: JSON has no value for it, a custom parser might.
        return [room, payload];
      }
    }
    const shape = shapeOf(shapes, keys, refs);
    return shape < 0 ? [room, payload] : [room, values, shape];
  });
  return { event, shared, shapes, items };
}

/** The index of the shape with these keys and refs, added if new; -1 when the entry holds too many. */
function shapeOf(shapes: Shape[], keys: string[], refs: number[]): number {
  // An entry's payloads nearly always share one shape: a linear search over a few is the fast path.
  const found = shapes.findIndex((s) => sameItems(s.keys, keys) && sameItems(s.refs, refs));
  if (found >= 0 || shapes.length >= MAX_SHAPES) return found;
  return shapes.push({ keys, refs }) - 1;
}

/** The payload as it was given to `packEach` (keys in their order). */
export function unpackItem(data: EachData, item: EachItem): unknown {
  if (item.length === 2) return item[1];
  const [, values, shape] = item;
  const { keys, refs } = data.shapes[shape]!;
  const out: Record<string, unknown> = {};
  keys.forEach((key, i) => (out[key] = refs.includes(i) ? data.shared[values[i] as number] : values[i]));
  return out;
}

/**
 * Socket.IO's text encoding of each packet of an `EachData` (`2` + namespace + the JSON of
 * `[event, payload, offset]`, as the default parser writes an event), with each shared value
 * serialized once for all the packets that hold it, and each shape's keys once for all its payloads.
 * Only for data without binary parts, which the default parser would send as attachments.
 */
export class EachPacketText {
  private readonly head: string;
  private readonly sharedJson: Array<string | undefined>;
  /** Per shape, what precedes each value: `"key":`, then `,"key":` for the ones after the first. */
  private readonly keyParts: string[][];
  /** Per shape, whether each value is an index into `shared`. */
  private readonly isRef: boolean[][];

  constructor(
    private readonly data: EachData,
    nsp: string,
  ) {
    this.head = `2${nsp === '/' ? '' : `${nsp},`}[${JSON.stringify(data.event)},`;
    this.sharedJson = new Array(data.shared.length);
    this.keyParts = data.shapes.map(({ keys }) => keys.map((key, i) => `${i === 0 ? '' : ','}${JSON.stringify(key)}:`));
    this.isRef = data.shapes.map(({ keys, refs }) => keys.map((_, i) => refs.includes(i)));
  }

  of(index: number, offset: string): string {
    const item = this.data.items[index]!;
    const tail = offset ? `,${JSON.stringify(offset)}]` : ']';
    // JSON.stringify gives undefined for a payload it has no value for; in an array that is null.
    if (item.length === 2) return this.head + (JSON.stringify(item[1]) ?? 'null') + tail;
    const [, values, shape] = item;
    const parts = this.keyParts[shape]!;
    const isRef = this.isRef[shape]!;
    let out = `${this.head}{`;
    for (let i = 0; i < values.length; i++) out += parts[i]! + (isRef[i] ? this.shared(values[i] as number) : valueJson(values[i]));
    return `${out}}${tail}`;
  }

  private shared(index: number): string {
    return (this.sharedJson[index] ??= JSON.stringify(this.data.shared[index]));
  }
}

/** JSON.stringify of a packed value (null, a string, a number or a boolean), without the call for the common kinds. */
function valueJson(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value);
  }
}

/** Whether a value holds binary parts (Buffers, typed arrays), which JSON would not keep. */
export function hasBinary(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.some(hasBinary);
  for (const key in value) if (hasBinary((value as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * `hasBinary(data)` without walking every packet: a packed payload's values other than its refs
 * are not objects, so only the shared values and the payloads stored as they were need a look.
 */
export function eachHasBinary(data: EachData): boolean {
  return data.shared.some(hasBinary) || data.items.some((item) => item.length === 2 && hasBinary(item[1]));
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
