import net from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'hang';

/**
 * A TCP proxy in front of PostgreSQL whose behaviour a test switches: it passes traffic ('pass'), refuses
 * it ('refuse': the server stopped; with cutAll(), open connections are reset too) or swallows it ('hang':
 * connections stay open and nothing ever comes back, as from a server that froze).
 */
export class FaultyProxy {
  mode: ProxyMode = 'pass';
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private track(s: net.Socket) {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => {});
  }

  private accept(client: net.Socket) {
    this.track(client);
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    if (this.mode === 'hang') return; // accepted, and never a byte back
    const upstream = net.connect(this.target.port, this.target.host);
    this.track(upstream);
    // Bytes pass only while the mode is 'pass': in 'hang' they are swallowed, both ways.
    client.on('data', (d) => {
      if (this.mode === 'pass') upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (this.mode === 'pass') client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** Every open connection is cut (as when the server stops, or a partition ends with a reset). */
  cutAll() {
    for (const s of this.sockets) s.destroy();
  }

  async close() {
    this.cutAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
