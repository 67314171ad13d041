import type { DeliveryMode } from './eventDispatcher.js';
import type { WebSocketFactory } from './link.js';
import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './reconnector.js';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from './wireCodec.js';

/** Options of a {@link TickwireClient}; every field but `url` has a default (`DEFAULT_*`). */
export interface ClientOptionsInit {
  /** `ws://host:port/ws` or `wss://host:port/ws` (the server's `--path`, default `/ws`). */
  url: string;
  /** Opens the WebSocket; default: the global `WebSocket`, else the `ws` package. */
  webSocketFactory?: WebSocketFactory;
  /** Monotonic clock in ms; default `performance.now()`. */
  now?: () => number;
  /** Random numbers in [0, 1) for reconnect jitter; default `Math.random`. */
  random?: () => number;
  connectTimeoutMs?: number;
  /** States kept as baselines (at least 2; the server's history is 64 ticks by default). */
  retainedStates?: number;
  /** Ack every applied snapshot (`Ack{tick}`, about 6 bytes). */
  autoAck?: boolean;
  pingIntervalMs?: number;
  /** Pings are this frequent until the clock has {@link ServerClock.MIN_SAMPLES} samples. */
  initialPingIntervalMs?: number;
  interpolationDelayTicks?: number;
  maxInterpolationDelayMs?: number;
  maxExtrapolationMs?: number;
  mispredictionToleranceSlots?: number;
  /** Inputs kept for resending until the server applied them. */
  maxPendingInputs?: number;
  /** A connection that hears nothing for this long is dropped as lost (and resumed). */
  silenceTimeoutMs?: number;
  reconnect?: Partial<ReconnectPolicy>;
  /** `poll`: listeners run only inside `session.poll()` (or `client.poll()`), see {@link DeliveryMode}. */
  deliveryMode?: DeliveryMode;
  /** Poll mode: snapshots queued for `poll()` before the newest queued one is overwritten instead. */
  pollQueueSnapshots?: number;
  /**
   * The protocol version to ask for in `Join` (`MIN_PROTOCOL_VERSION`..`PROTOCOL_VERSION`): 3 by default,
   * changed sections bit-packed (`changed_bits`); 2 for the plain varint columns, readable with nothing but a
   * protobuf parser (debugging with a packet dump; a few more bytes per changed entity). A `Welcome` that
   * speaks a higher version than asked fails the join.
   */
  protocolVersion?: number;
}

/** Resolved, validated, frozen options. */
export type ClientOptions = Readonly<Required<Omit<ClientOptionsInit, 'webSocketFactory' | 'reconnect'>>> & {
  readonly webSocketFactory: WebSocketFactory | null;
  readonly reconnect: Readonly<ReconnectPolicy>;
};

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_RETAINED_STATES = 64;
export const DEFAULT_AUTO_ACK = true;
export const DEFAULT_PING_INTERVAL_MS = 1000;
export const DEFAULT_INITIAL_PING_INTERVAL_MS = 100;
export const DEFAULT_INTERPOLATION_DELAY_TICKS = 2.0;
export const DEFAULT_MAX_INTERPOLATION_DELAY_MS = 500;
export const DEFAULT_MAX_EXTRAPOLATION_MS = 250;
export const DEFAULT_MISPREDICTION_TOLERANCE_SLOTS = 0;
export const DEFAULT_MAX_PENDING_INPUTS = 256;
export const DEFAULT_SILENCE_TIMEOUT_MS = 3000;
export const DEFAULT_DELIVERY_MODE: DeliveryMode = 'callbacks';
export const DEFAULT_POLL_QUEUE_SNAPSHOTS = 64;
export const DEFAULT_PROTOCOL_VERSION = PROTOCOL_VERSION;

function defaultNow(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf !== undefined ? () => perf.now() : () => Date.now();
}

/** Fill in defaults and check every option once; throws naming the option and its value. */
export function clientOptions(init: ClientOptionsInit): ClientOptions {
  let url: URL;
  try {
    url = new URL(init.url);
  } catch {
    throw new RangeError(`url is not a URL: url=${init.url}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new RangeError(`url scheme must be ws or wss: url=${init.url}`);
  }
  const reconnect = Object.freeze({ ...DEFAULT_RECONNECT_POLICY, ...init.reconnect });
  const o = {
    url: init.url,
    webSocketFactory: init.webSocketFactory ?? null,
    now: init.now ?? defaultNow(),
    random: init.random ?? Math.random,
    connectTimeoutMs: init.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    retainedStates: init.retainedStates ?? DEFAULT_RETAINED_STATES,
    autoAck: init.autoAck ?? DEFAULT_AUTO_ACK,
    pingIntervalMs: init.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    initialPingIntervalMs: init.initialPingIntervalMs ?? DEFAULT_INITIAL_PING_INTERVAL_MS,
    interpolationDelayTicks: init.interpolationDelayTicks ?? DEFAULT_INTERPOLATION_DELAY_TICKS,
    maxInterpolationDelayMs: init.maxInterpolationDelayMs ?? DEFAULT_MAX_INTERPOLATION_DELAY_MS,
    maxExtrapolationMs: init.maxExtrapolationMs ?? DEFAULT_MAX_EXTRAPOLATION_MS,
    mispredictionToleranceSlots: init.mispredictionToleranceSlots ?? DEFAULT_MISPREDICTION_TOLERANCE_SLOTS,
    maxPendingInputs: init.maxPendingInputs ?? DEFAULT_MAX_PENDING_INPUTS,
    silenceTimeoutMs: init.silenceTimeoutMs ?? DEFAULT_SILENCE_TIMEOUT_MS,
    reconnect,
    deliveryMode: init.deliveryMode ?? DEFAULT_DELIVERY_MODE,
    pollQueueSnapshots: init.pollQueueSnapshots ?? DEFAULT_POLL_QUEUE_SNAPSHOTS,
    protocolVersion: init.protocolVersion ?? DEFAULT_PROTOCOL_VERSION,
  };
  const positive: (keyof typeof o)[] = ['connectTimeoutMs', 'pingIntervalMs', 'initialPingIntervalMs', 'maxPendingInputs',
    'pollQueueSnapshots'];
  for (const k of positive) {
    if (!(Number(o[k]) > 0)) {
      throw new RangeError(`${k} must be positive: ${k}=${String(o[k])}`);
    }
  }
  const nonNegative: (keyof typeof o)[] = ['interpolationDelayTicks', 'maxInterpolationDelayMs', 'maxExtrapolationMs',
    'mispredictionToleranceSlots', 'silenceTimeoutMs'];
  for (const k of nonNegative) {
    if (!(Number(o[k]) >= 0)) {
      throw new RangeError(`${k} must not be negative: ${k}=${String(o[k])}`);
    }
  }
  if (o.deliveryMode !== 'callbacks' && o.deliveryMode !== 'poll') {
    throw new RangeError(`deliveryMode must be 'callbacks' or 'poll': deliveryMode=${String(o.deliveryMode)}`);
  }
  if (!(Number.isInteger(o.protocolVersion) && o.protocolVersion >= MIN_PROTOCOL_VERSION &&
    o.protocolVersion <= PROTOCOL_VERSION)) {
    throw new RangeError(`protocolVersion unsupported: protocolVersion=${String(o.protocolVersion)}, ` +
      `supported=${MIN_PROTOCOL_VERSION}..${PROTOCOL_VERSION}`);
  }
  if (!(o.retainedStates >= 2)) {
    throw new RangeError(`retainedStates too small: retainedStates=${o.retainedStates}, min=2`);
  }
  if (!(reconnect.initialDelayMs >= 0) || !(reconnect.maxDelayMs >= reconnect.initialDelayMs) ||
    !(reconnect.multiplier >= 1) || !(reconnect.resendWindowInputs >= 1)) {
    throw new RangeError(`reconnect policy invalid: ${JSON.stringify(reconnect)}`);
  }
  return Object.freeze(o);
}
