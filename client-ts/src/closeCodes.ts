/** WebSocket close codes (RFC 6455 and Tickwire's 4000-4999), as Java's `CloseCodes`. */
export const CloseCodes = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  /** Not sent on the wire: the connection ended without a close frame. */
  ABNORMAL_CLOSURE: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
  NOT_JOINED: 4000,
  ROOM_NOT_FOUND: 4001,
  ROOM_FULL: 4002,
  UNSUPPORTED_PROTOCOL_VERSION: 4003,
  INVALID_JOIN: 4004,
  ALREADY_JOINED: 4005,
  SLOW_CONSUMER: 4006,
  ACK_TIMEOUT: 4007,
  SERVER_OVERLOADED: 4008,
  ROOM_CLOSED: 4009,
  IDLE_TIMEOUT: 4010,
  TICKET_REJECTED: 4011,
  RESUME_REJECTED: 4012,
  SESSION_REPLACED: 4013,
  /** No `Join` within the server's join timeout after the handshake. */
  JOIN_TIMEOUT: 4014,
  /** The room type refused the options of a join by type that would create a room. */
  INVALID_ROOM_OPTIONS: 4015,
  /** The server is draining (fleet scale-down or update): rejoin through the matchmaker, not this URL. */
  SERVER_DRAINING: 4016,
  /** The lowest code a game may use to refuse a join or kick a player (the reason says why). */
  GAME_MIN: 4100,
  /** The highest code a game may use. */
  GAME_MAX: 4199,
} as const;

/** True for a code in the game-defined range 4100-4199 (a refusal or kick by the game; final). */
export function isGameDefined(code: number): boolean {
  return code >= CloseCodes.GAME_MIN && code <= CloseCodes.GAME_MAX;
}

/** A failed join or a session that ended, with the close code (Java's `TickwireException`). */
export class TickwireError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'TickwireError';
  }
}
