import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder between the SDK and the server whose target can change: the client keeps one URL
 * while the server behind it is cut off or restarted on another port.
 */
export class SwitchProxy {
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    private target: number,
  ) {}

  static async start(targetUrl: string): Promise<SwitchProxy> {
    let proxy!: SwitchProxy;
    const server = createServer((client) => {
      const upstream = createConnection(proxy.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('close', () => proxy.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    proxy = new SwitchProxy(server, Number(new URL(targetUrl).port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Drops every open connection (new ones still go through). */
  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  retarget(targetUrl: string): void {
    this.target = Number(new URL(targetUrl).port);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
