import type { ClientOptionsInit } from './clientOptions.js';
import { CloseCodes, TickwireError } from './closeCodes.js';
import type { RoomSession } from './roomSession.js';
import { TickwireClient } from './tickwireClient.js';

/** Longest the matchmaker's answer may take, as Java's `Matchmaker.DEFAULT_TIMEOUT` (5 s). */
export const DEFAULT_MATCHMAKER_TIMEOUT_MS = 5000;

/** Options of a {@link Matchmaker}. */
export interface MatchmakerOptions {
  /** Bearer token when the matchmaker requires one (`--api-token`); normally only a game backend holds it. */
  apiToken?: string;
  /** Longest an answer may take, connect and body included; default {@link DEFAULT_MATCHMAKER_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** HTTP client; default the global `fetch` (browsers, Node 20). */
  fetch?: typeof fetch;
}

/** What the matchmaker answered (Java's `Matchmaker.Placement`): dial `url`, join `roomId` with `ticket`. */
export interface Placement {
  /** The server's WebSocket URL. */
  readonly url: string;
  readonly roomId: string;
  /** The room-bound join ticket (short-lived; its seat is held for about 15 s). */
  readonly ticket: string;
  /** The player id in the ticket. */
  readonly playerId: string;
}

/**
 * A room joined through the matchmaker: the session, and the client it was joined with, which the
 * caller closes (Java returns the client, whose `session()` is the room session).
 */
export interface MatchmakerJoin {
  readonly client: TickwireClient;
  readonly session: RoomSession;
  readonly placement: Placement;
}

/** Makes the client options for the server the matchmaker named; default `(url) => ({ url })`. */
export type MakeClientOptions = (url: string) => ClientOptionsInit;

/**
 * The matchmaker refused or did not answer: `status` is its HTTP status (0 when there was no answer:
 * timeout or network error) and `reason` its `error` text. A `TickwireError` with code 1006, as Java's
 * `TickwireException` from its `Matchmaker`.
 */
export class MatchmakerError extends TickwireError {
  constructor(readonly status: number, readonly reason: string) {
    super(CloseCodes.ABNORMAL_CLOSURE, `matchmaker refused: status=${status}, reason=${reason}`);
    this.name = 'MatchmakerError';
  }
}

/**
 * Joins a room of a Tickwire fleet through its matchmaker (`java -jar tickwire-server.jar matchmaker`):
 * one HTTP request returns the server to dial, the room and a room-bound join ticket;
 * {@link joinOrCreate} then dials that server and joins, in one call.
 *
 * A session closed with `CloseCodes.SERVER_DRAINING` (4016) was on a server that is going away; the
 * SDK does not resume it: call the matchmaker again (not the old server's URL) to be placed on
 * another one.
 *
 * ```ts
 * const matchmaker = new Matchmaker('https://mm.example.com');
 * const { client, session } = await matchmaker.joinOrCreate('arena');
 * ```
 */
export class Matchmaker {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly apiToken: string | null;
  private readonly fetchFn: typeof fetch;

  /** @param baseUrl the matchmaker, e.g. `http://matchmaker:7360`. */
  constructor(baseUrl: string, options: MatchmakerOptions = {}) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new RangeError(`baseUrl is not a URL: baseUrl=${baseUrl}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RangeError(`baseUrl scheme must be http or https: baseUrl=${baseUrl}`);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_MATCHMAKER_TIMEOUT_MS;
    if (!(timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be positive: timeoutMs=${timeoutMs}`);
    }
    const fetchFn = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
    if (fetchFn === undefined) {
      throw new Error('no global fetch (Node 18+ or a browser): pass options.fetch');
    }
    this.baseUrl = baseUrl;
    this.timeoutMs = timeoutMs;
    this.apiToken = options.apiToken ?? null;
    this.fetchFn = fetchFn;
  }

  /**
   * Ask for a seat in a room of the type (the fullest with a free seat, or a new one).
   *
   * @param playerId player id for the ticket; omitted, the matchmaker picks one.
   * @returns the placement; rejects with a {@link MatchmakerError} (503 while the fleet's directory
   * is unavailable or no server can take the player).
   */
  requestJoinOrCreate(roomType: string, playerId?: string): Promise<Placement> {
    return this.request('/v1/join-or-create', { roomType, playerId });
  }

  /**
   * Ask for a seat in one room.
   *
   * @returns the placement, or a {@link MatchmakerError} (404 no such room, 409 full, 503 unavailable).
   */
  requestJoinById(roomId: string, playerId?: string): Promise<Placement> {
    return this.request('/v1/join-by-id', { roomId, playerId });
  }

  /** Ask the matchmaker for a room of the type, dial the server it names and join: one call. */
  async joinOrCreate(roomType: string, makeClientOptions?: MakeClientOptions, playerId?: string): Promise<MatchmakerJoin> {
    return Matchmaker.join(await this.requestJoinOrCreate(roomType, playerId), makeClientOptions);
  }

  /** Ask the matchmaker for a seat in `roomId`, dial the server it names and join: one call. */
  async joinById(roomId: string, makeClientOptions?: MakeClientOptions, playerId?: string): Promise<MatchmakerJoin> {
    return Matchmaker.join(await this.requestJoinById(roomId, playerId), makeClientOptions);
  }

  /**
   * Dial the placed server and join the placed room with its ticket. On failure the client is closed
   * and the join's `TickwireError` (the server's close code) is rethrown.
   */
  static async join(placement: Placement, makeClientOptions: MakeClientOptions = (url) => ({ url })): Promise<MatchmakerJoin> {
    const client = new TickwireClient(makeClientOptions(placement.url));
    try {
      const session = await client.joinById(placement.roomId, placement.ticket);
      return { client, session, placement };
    } catch (e) {
      await client.close();
      throw e;
    }
  }

  private async request(path: string, fields: Record<string, string | undefined>): Promise<Placement> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (this.apiToken !== null) {
      headers.Authorization = `Bearer ${this.apiToken}`;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.fetchFn(new URL(path, this.baseUrl), {
        method: 'POST', headers, body: JSON.stringify(fields), signal: abort.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (e) {
      throw new MatchmakerError(0, abort.signal.aborted ? `no answer within timeoutMs=${this.timeoutMs}` :
        `unreachable: ${describe(e)}`);
    } finally {
      clearTimeout(timer);
    }
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(text);
      body = typeof parsed === 'object' && parsed !== null ? parsed as Record<string, unknown> : null;
    } catch {
      // Not JSON (a proxy's error page): the text is the reason.
    }
    if (status !== 200) {
      throw new MatchmakerError(status, typeof body?.error === 'string' ? body.error : text);
    }
    const { url, roomId, ticket, playerId } = body ?? {};
    if (typeof url !== 'string' || typeof roomId !== 'string' || typeof ticket !== 'string') {
      throw new MatchmakerError(status, `answer lacks url, roomId or ticket: ${text}`);
    }
    return { url, roomId, ticket, playerId: typeof playerId === 'string' ? playerId : '' };
  }
}

function describe(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${String(e)} (${cause.message})` : String(e);
}
