import type { RoomEmit } from './realtime-adapter.port.js';

/** One room's packet of an `emitEach`: its payload, and the keys of it that hold a shared value's index. */
type EachItem = [room: string, payload: unknown, refs?: string[]];

/**
 * The packets of one `emitEach` as stored in a stream entry. A change fanned out to a thousand
 * sockets is a thousand small payloads around one record: object values the payloads hold are kept
 * once in `shared` (the same object twice is one entry), and each payload holds its index instead.
 */
export interface EachData {
  event: string;
  shared: unknown[];
  items: EachItem[];
}

export function packEach(event: string, emits: readonly RoomEmit[]): EachData {
  const indexOf = new Map<object, number>();
  const shared: unknown[] = [];
  const items = emits.map(({ room, payload }): EachItem => {
    if (!isPlainObject(payload)) return [room, payload];
    let packed: Record<string, unknown> | undefined;
    let refs: string[] | undefined;
    for (const key of Object.keys(payload)) {
      const value = payload[key];
      if (value === null || typeof value !== 'object') continue;
      let index = indexOf.get(value);
      if (index === undefined) {
        index = shared.push(value) - 1;
        indexOf.set(value, index);
      }
      packed ??= { ...payload };
      packed[key] = index;
      (refs ??= []).push(key);
    }
    return refs ? [room, packed, refs] : [room, payload];
  });
  return { event, shared, items };
}

/** The payload as it was given to `packEach` (keys in their order). */
export function unpackItem(data: EachData, [, payload, refs]: EachItem): unknown {
  if (!refs) return payload;
  const out = { ...(payload as Record<string, unknown>) };
  for (const key of refs) out[key] = data.shared[out[key] as number];
  return out;
}

/**
 * Socket.IO's text encoding of each packet of an `EachData` (`2` + namespace + the JSON of
 * `[event, payload, offset]`, as the default parser writes an event), with each shared value
 * serialized once for all the packets that hold it instead of once per socket. Only for data
 * without binary parts, which the default parser would send as attachments.
 */
export class EachPacketText {
  private readonly head: string;
  private readonly sharedJson: Array<string | undefined>;

  constructor(
    private readonly data: EachData,
    nsp: string,
  ) {
    this.head = `2${nsp === '/' ? '' : `${nsp},`}[${JSON.stringify(data.event)},`;
    this.sharedJson = new Array(data.shared.length);
  }

  of(index: number, offset: string): string {
    const [, payload, refs] = this.data.items[index]!;
    const tail = offset ? `,${JSON.stringify(offset)}]` : ']';
    return this.head + (refs ? this.objectJson(payload as Record<string, unknown>, refs) : JSON.stringify(payload)) + tail;
  }

  /** JSON.stringify of the unpacked payload, built key by key (a packed payload's other values are not objects). */
  private objectJson(payload: Record<string, unknown>, refs: string[]): string {
    let out = '';
    for (const key in payload) {
      const json = refs.includes(key) ? this.shared(payload[key] as number) : valueJson(payload[key]);
      // JSON.stringify leaves out keys whose value has no JSON (undefined, functions).
      if (json !== undefined) out += `${out ? ',' : ''}${keyJson(key)}${json}`;
    }
    return `{${out}}`;
  }

  private shared(index: number): string {
    return (this.sharedJson[index] ??= JSON.stringify(this.data.shared[index]));
  }
}

/** `"key":`, kept: the payloads of a fan-out all have the same few keys. */
const keyJsonCache = new Map<string, string>();
function keyJson(key: string): string {
  let json = keyJsonCache.get(key);
  if (json === undefined) {
    json = `${JSON.stringify(key)}:`;
    if (keyJsonCache.size < 1000) keyJsonCache.set(key, json);
  }
  return json;
}

/** JSON.stringify of one value, without the call for the common kinds. */
function valueJson(value: unknown): string | undefined {
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
 * are not objects, so only the shared values and the payloads packed as they were need a look.
 */
export function eachHasBinary(data: EachData): boolean {
  return data.shared.some(hasBinary) || data.items.some(([, payload, refs]) => !refs && hasBinary(payload));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
