/**
 * The WebSocket API the SDK needs: the browser's `WebSocket` and the `ws` package's both have it.
 * Events are assigned as `on*` properties, the common subset of both.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Opens a WebSocket to a URL; inject one to use another implementation (tests, proxies). */
export type WebSocketFactory = (url: string) => WebSocketLike;

const CONNECTING = 0;
const OPEN = 1;

/** Close code a link reports when it ended without a close frame (RFC 6455's 1006). */
export const ABNORMAL_CLOSURE = 1006;

/** What a {@link Link} tells its owner. */
export interface LinkHandler {
  onOpen(link: Link): void;
  onFrame(link: Link, data: ArrayBuffer | Uint8Array, receivedMs: number): void;
  onLost(link: Link, code: number, reason: string): void;
}

/**
 * One WebSocket connection of a session (a session has one per resume). Owns the socket and its
 * silence timer: a link that hears nothing for `silenceTimeoutMs` is dropped as lost (1006), which
 * is how a half-open connection is noticed. Reports the end exactly once; after {@link close} it
 * reports nothing but the close.
 */
export class Link {
  private socket: WebSocketLike | null = null;
  private silenceTimer: ReturnType<typeof setTimeout> | null = null;
  private ended = false;
  /** Set once this link's `Welcome` arrived. */
  welcomed = false;
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    private readonly handler: LinkHandler,
    private readonly now: () => number,
    private readonly silenceTimeoutMs: number,
  ) {}

  open(url: string, factory: WebSocketFactory, connectTimeoutMs: number): void {
    let socket: WebSocketLike;
    try {
      socket = factory(url);
    } catch (e) {
        queueMicrotask(() => this.end(ABNORMAL_CLOSURE, `cannot open ${url}: ${String(e)}`));
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    this.armSilence(connectTimeoutMs, `no connection within connectTimeoutMs=${connectTimeoutMs}`);
    socket.onopen = () => {
      if (!this.ended) {
        this.armSilence(this.silenceTimeoutMs, `silent for silenceTimeoutMs=${this.silenceTimeoutMs}`);
        this.handler.onOpen(this);
      }
    };
    socket.onmessage = (event) => {
      if (this.ended) {
        return;
      }
      const data = event.data;
      if (typeof data === 'string') {
        this.fail(1003, 'text frame from the server');
        return;
      }
      const bytes = data instanceof ArrayBuffer ? data : data instanceof Uint8Array ? data : null;
      if (bytes === null) {
        this.fail(1003, `unsupported frame data: ${Object.prototype.toString.call(data)}`);
        return;
      }
      this.bytesIn += bytes.byteLength;
      this.armSilence(this.silenceTimeoutMs, `silent for silenceTimeoutMs=${this.silenceTimeoutMs}`);
      this.handler.onFrame(this, bytes, this.now());
    };
    socket.onclose = (event) => {
      this.end(event.code || ABNORMAL_CLOSURE, event.reason ?? '');
    };
    socket.onerror = () => {
      // A close event follows; its code says what happened.
    };
  }

  get isOpen(): boolean {
    return !this.ended && this.socket !== null && this.socket.readyState === OPEN;
  }

  /** Write one frame; false when the link is not open. */
  send(frame: Uint8Array): boolean {
    if (!this.isOpen) {
      return false;
    }
    (this.socket as WebSocketLike).send(frame);
    this.bytesOut += frame.byteLength;
    return true;
  }

  /** Close with a code (1000 or 4000-4999 for a browser) and report that code. */
  close(code: number, reason: string): void {
    if (this.ended) {
      return;
    }
    try {
      this.socket?.close(code, reason);
    } catch {
      this.socket?.close();
    }
    this.end(code, reason);
  }

  /** Drop the connection as lost (no close handshake expected), e.g. on a protocol error. */
  fail(code: number, reason: string): void {
    if (this.ended) {
      return;
    }
    try {
      this.socket?.close(code >= 4000 && code < 5000 ? code : 1000, reason.slice(0, 120));
    } catch {
      // Closing a socket that never opened may throw; the link ends either way.
    }
    this.end(code, reason);
  }

  /**
   * End as lost (1006) without a close frame, as a dead network would: the server keeps the player
   * for a resume only when no close frame arrives. `ws` sockets are terminated (TCP closed at once);
   * an open browser socket cannot be closed without a close frame, so it is left to die (its
   * handlers are detached, and the server replaces it when the session resumes elsewhere).
   */
  abandon(reason: string): void {
    if (this.ended) {
      return;
    }
    const socket = this.socket as (WebSocketLike & { terminate?: () => void }) | null;
    try {
      if (socket !== null && socket.readyState === CONNECTING) {
        socket.close();
      } else if (socket !== null && typeof socket.terminate === 'function') {
        socket.terminate();
      }
    } catch {
      // The link ends either way.
    }
    this.end(ABNORMAL_CLOSURE, reason);
  }

  private armSilence(timeoutMs: number, reason: string): void {
    if (this.silenceTimer !== null) {
      clearTimeout(this.silenceTimer);
    }
    if (timeoutMs > 0) {
      this.silenceTimer = setTimeout(() => {
        this.silenceTimer = null;
        this.abandon(reason);
      }, timeoutMs);
    }
  }

  private end(code: number, reason: string): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    if (this.silenceTimer !== null) {
      clearTimeout(this.silenceTimer);
      this.silenceTimer = null;
    }
    if (this.socket !== null) {
      this.socket.onmessage = null;
      this.socket.onopen = null;
      this.socket.onclose = null;
    }
    this.handler.onLost(this, code, reason);
  }
}

/**
 * The default factory: the global `WebSocket` (browsers, Node 22+), else the `ws` package, loaded
 * on first use (Node 20).
 */
export async function defaultWebSocketFactory(): Promise<WebSocketFactory> {
  const global = globalThis as { WebSocket?: new (url: string) => WebSocketLike };
  if (typeof global.WebSocket === 'function') {
    const Ctor = global.WebSocket;
    return (url) => new Ctor(url);
  }
  const moduleName = 'ws';
  try {
    const ws = (await import(/* @vite-ignore */ moduleName)) as { default: new (url: string) => WebSocketLike };
    return (url) => new ws.default(url);
  } catch (e) {
    throw new Error(`no WebSocket implementation: no global WebSocket and the 'ws' package cannot be loaded (${String(e)}); ` +
      'install ws or pass ClientOptions.webSocketFactory');
  }
}
