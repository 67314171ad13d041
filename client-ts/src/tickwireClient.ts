import { ClientConnection, type JoinRequest } from './clientConnection.js';
import { clientOptions, type ClientOptions, type ClientOptionsInit } from './clientOptions.js';
import { CloseCodes } from './closeCodes.js';
import { defaultWebSocketFactory } from './link.js';
import { RoomSession } from './roomSession.js';

/**
 * Entry point (Java's `TickwireClient`): joins rooms on one server. Each join opens its own
 * WebSocket and resolves with a {@link RoomSession} when `Welcome` arrives, or rejects with a
 * `TickwireError` carrying the server's close code.
 *
 * ```ts
 * const client = new TickwireClient({ url: 'ws://127.0.0.1:7070/ws' });
 * const session = await client.joinByType('arena');
 * ```
 */
export class TickwireClient {
  readonly options: ClientOptions;
  private readonly sessions = new Set<RoomSession>();
  /** Poll mode: sessions with events to poll, closed ones until their last events (the close) are polled. */
  private readonly polled = new Set<RoomSession>();
  private closed = false;

  constructor(options: ClientOptionsInit | string) {
    this.options = clientOptions(typeof options === 'string' ? { url: options } : options);
  }

  /**
   * Join or create a room of `roomType`; with `options`, only a room created with equal options (a new
   * one is created with them).
   */
  joinByType(roomType: string, ticket?: string, options?: Readonly<Record<string, string>>): Promise<RoomSession> {
    return this.join({ roomType, ticket, options });
  }

  /** Join the room `roomId`; its game sees `options` in `onJoinAttempt`. */
  joinById(roomId: string, ticket?: string, options?: Readonly<Record<string, string>>): Promise<RoomSession> {
    return this.join({ roomId, ticket, options });
  }

  async join(request: JoinRequest): Promise<RoomSession> {
    if (this.closed) {
      throw new Error('client closed');
    }
    if (!request.roomId === !request.roomType) {
      throw new RangeError(`name exactly one of roomId and roomType: roomId=${request.roomId}, roomType=${request.roomType}`);
    }
    const factory = this.options.webSocketFactory ?? await defaultWebSocketFactory();
    let session: RoomSession | null = null;
    const connection = new ClientConnection<RoomSession>(this.options, request, () => session as RoomSession);
    const joined = await connection.join(factory);
    session = new RoomSession(connection, joined);
    const s = session;
    this.sessions.add(s);
    if (this.options.deliveryMode === 'poll') {
      this.polled.add(s);
    }
    connection.dispatcher.onClosedNow(() => this.sessions.delete(s));
    return s;
  }

  /**
   * Poll every session of this client (`deliveryMode: 'poll'`), see {@link RoomSession.poll}.
   *
   * @returns events delivered.
   */
  poll(): number {
    if (this.options.deliveryMode !== 'poll') {
      throw new Error(`poll() needs deliveryMode 'poll': deliveryMode=${this.options.deliveryMode}`);
    }
    let delivered = 0;
    for (const s of [...this.polled]) {
      delivered += s.poll();
      if (!this.sessions.has(s) && s.queuedEvents === 0) {
        this.polled.delete(s);
      }
    }
    return delivered;
  }

  /** Leave every room. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.sessions].map((s) => s.leave('client closed')));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  toString(): string {
    return `TickwireClient{url=${this.options.url}, sessions=${this.sessions.size}}`;
  }
}

export { CloseCodes };
