import { MultipartBody } from '../../src/storage/multipart';

/* The hand-built multipart body: the stream and the Blob forms carry the same bytes, and progress counts file bytes. */

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    chunks.push(Buffer.from(value));
  }
}

describe('MultipartBody', () => {
  const file = Buffer.alloc(200_000, 7);

  it('frames fields first and the file last, in RFC 7578 form', async () => {
    const body = new MultipartBody({ data: Buffer.from('hello'), name: 'a "b"\r\n.txt', contentType: 'text/plain', fields: { name: 'n', metadata: '{"k":1}' } });
    const text = Buffer.from(await body.toBlob().arrayBuffer()).toString();
    const b = body.boundary;
    expect(body.contentType).toBe(`multipart/form-data; boundary=${b}`);
    expect(text).toBe(
      `--${b}\r\nContent-Disposition: form-data; name="name"\r\n\r\nn\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"k":1}\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a %22b%22 .txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${b}--\r\n`,
    );
  });

  it.each([
    ['a Buffer', () => file],
    ['an ArrayBuffer', () => file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength)],
    ['a Blob', () => new Blob([file])],
    ['a ReadableStream', () => new Blob([file]).stream()],
  ])('streams %s with the same bytes as the Blob form and reports progress', async (_, make) => {
    const reference = new MultipartBody({ data: file, name: 'f.bin', contentType: 'application/octet-stream', fields: {} });
    const body = new MultipartBody({ data: make() as never, name: 'f.bin', contentType: 'application/octet-stream', fields: {} });
    const progress: Array<{ loaded: number; total?: number }> = [];
    const streamed = await bytesOf(body.toStream((p) => progress.push(p), file.length));
    const expected = Buffer.from(await reference.toBlob().arrayBuffer()).toString().replaceAll(reference.boundary, body.boundary);
    expect(streamed.toString()).toBe(expected);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toEqual({ loaded: file.length, total: file.length });
    expect(progress.map((p) => p.loaded)).toEqual([...progress.map((p) => p.loaded)].sort((a, b) => a - b));
  });
});
