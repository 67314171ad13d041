/**
 * Tickwire client SDK for browsers and Node: the same concepts and names as the Java SDK
 * (client-sdk/). {@link TickwireClient} joins a room (or {@link Matchmaker}, through a fleet's matchmaker) and resolves a {@link RoomSession}, whose
 * {@link EntityMirror} is bit-exact with the server's state.
 */
export { TickwireClient } from './tickwireClient.js';
export { RoomSession } from './roomSession.js';
export { Matchmaker, MatchmakerError, DEFAULT_MATCHMAKER_TIMEOUT_MS } from './matchmaker.js';
export type { MatchmakerOptions, MatchmakerJoin, Placement, MakeClientOptions } from './matchmaker.js';
export type { ClientOptions, ClientOptionsInit } from './clientOptions.js';
export * from './clientOptions.js';
export type { JoinRequest, ClientStats, Joined } from './clientConnection.js';
export { ClientConnection } from './clientConnection.js';
export type { SessionListener, SnapshotInfo, DeliveryMode } from './eventDispatcher.js';
export { EventDispatcher } from './eventDispatcher.js';
export { EntityMirror } from './entityMirror.js';
export type { FieldRef } from './entityMirror.js';
export { EntityState } from './entityState.js';
export { Interpolator } from './interpolator.js';
export type { InterpolatorSettings } from './interpolator.js';
export { RenderState } from './renderState.js';
export { Predictor } from './predictor.js';
export type { StepFunction, MispredictionListener, InputSender } from './predictor.js';
export { ServerClock } from './serverClock.js';
export { InputJournal } from './inputJournal.js';
export { Reconnector, DEFAULT_RECONNECT_POLICY, reconnectsOn, retriesAttemptOn } from './reconnector.js';
export type { ReconnectPolicy } from './reconnector.js';
export { Link, ABNORMAL_CLOSURE, defaultWebSocketFactory } from './link.js';
export type { WebSocketLike, WebSocketFactory, LinkHandler } from './link.js';
export { SnapshotTracker, ApplyResult, MIN_RETAINED_STATES } from './snapshotTracker.js';
export {
  rint, SchemaField, EntitySchema, EntitySchemaBuilder, EntityType, RoomSchema, MAX_SLOTS, KIND_NUMBER, VISIBILITY_NUMBER,
} from './schema.js';
export type { FieldKind, Visibility } from './schema.js';
export { WorldState } from './worldState.js';
export { DeltaDecoder, DeltaError, uint64Low, uint64High, uint64ToNumber } from './deltaDecoder.js';
export type { Uint64 } from './deltaDecoder.js';
export { WireCodec, PROTOCOL_VERSION, MIN_PROTOCOL_VERSION } from './wireCodec.js';
export { CloseCodes, TickwireError, isGameDefined } from './closeCodes.js';
