/** Test helper: a `ws` client that queues text frames and lets a test wait for the ones it wants. */
import WebSocket from 'ws';

export class TestClient {
  readonly ws: WebSocket;
  readonly frames: string[] = [];
  closed = false;
  private waiters: Array<() => void> = [];

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data) => {
      this.frames.push(data.toString());
      this.wake();
    });
    this.ws.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.ws.on('error', () => undefined);
  }

  opened(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Waits until `count` frames after index `from` satisfy `pred`; returns them. Bounded by `limitMs`. */
  async take(pred: (frame: string) => boolean, count: number, limitMs = 5000): Promise<string[]> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const hits = this.frames.filter(pred);
      if (hits.length >= count) return hits.slice(0, count);
      if (this.closed || Date.now() > deadline) throw new Error(`got ${hits.length}/${count} matching frames (closed=${this.closed})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitClosed(limitMs = 5000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    if (!this.closed) this.ws.terminate();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/**
 * A factory of TestClients that closes every client, then stops the simulator, when the test
 * ends (so a failing assertion never leaves a socket or a listen port behind).
 */
export function clientsFor(t: { teardown(fn: () => unknown): void }, sim: { stop(): Promise<void> }): (url: string) => TestClient {
  const clients: TestClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await sim.stop();
  });
  return (url: string): TestClient => {
    const c = new TestClient(url);
    clients.push(c);
    return c;
  };
}
