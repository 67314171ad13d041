import { RenderState } from './renderState.js';
import { RoomSchema, type EntitySchema } from './schema.js';
import { WorldState } from './worldState.js';

const TWO_PI = 2 * Math.PI;

/** Settings of an {@link Interpolator}, from {@link ClientOptions}. */
export interface InterpolatorSettings {
  tickRateHz: number;
  interpolationDelayTicks: number;
  maxInterpolationDelayMs: number;
  maxExtrapolationMs: number;
}

/**
 * Snapshot interpolation on the server's timeline (Java's `Interpolator`), driven by the time the
 * caller passes (the `requestAnimationFrame` timestamp, or `performance.now()`): no timers of its own.
 * <p>
 * Each applied state is copied in with its arrival time. The arrival offset (local arrival minus
 * `server_time_ms`) over the last {@link ARRIVAL_WINDOW} snapshots gives the fastest path (its
 * minimum) and the jitter (its spread). The render clock runs `interpolationDelayTicks` tick periods
 * plus the jitter behind the fastest path, at most `maxInterpolationDelayMs`; it follows its target
 * by speeding up or slowing down by at most {@link MAX_TIME_SCALE_DEVIATION} and jumps only when
 * more than {@link SNAP_THRESHOLD_MS} off. Past the newest snapshot it extrapolates at most
 * `maxExtrapolationMs`.
 * <p>
 * Fixed-point fields are interpolated linearly, angles along the shorter arc, quaternions by
 * normalized lerp; ints and bools hold the older snapshot's value until the newer one is reached.
 */
export class Interpolator {
  static readonly ARRIVAL_WINDOW = 32;
  static readonly MAX_TIME_SCALE_DEVIATION = 0.05;
  static readonly CATCH_UP_HORIZON_MS = 500;
  static readonly SNAP_THRESHOLD_MS = 250;

  private readonly buffer: WorldState[] = [];
  private readonly pool: WorldState[] = [];
  private readonly arrivalOffsets: number[] = [];
  private readonly tickPeriodMs: number;
  private renderTimeMs = Number.NaN;
  private lastNowMs = Number.NaN;
  private added = 0;
  private ignored = 0;
  private lastViewTick = 0;
  readonly room: RoomSchema;

  constructor(schema: EntitySchema | RoomSchema, private readonly settings: InterpolatorSettings) {
    this.room = RoomSchema.from(schema);
    this.tickPeriodMs = 1000 / settings.tickRateHz;
  }

  /** Type 0's schema (the only one of a version 1 room). */
  get schema(): EntitySchema {
    return this.room.types[0].schema;
  }

  newRenderState(): RenderState {
    return new RenderState(this.room);
  }

  /**
   * The server tick the latest {@link sample} showed, rounded down (0 before the first one): what the
   * session sends as `Input.view_tick` for lag compensation.
   */
  get viewTick(): number {
    return this.lastViewTick;
  }

  /** Take a copy of an applied state that arrived at local time `arrivalMs`. */
  onState(state: WorldState, arrivalMs: number): void {
    const newest = this.buffer.length === 0 ? null : this.buffer[this.buffer.length - 1];
    if (newest !== null && state.serverTimeMs <= newest.serverTimeMs) {
      this.ignored++;
      return;
    }
    const copy = this.pool.pop() ?? new WorldState(this.room, state.count);
    copy.copyFrom(state);
    this.buffer.push(copy);
    this.added++;
    this.arrivalOffsets.push(arrivalMs - state.serverTimeMs);
    if (this.arrivalOffsets.length > Interpolator.ARRIVAL_WINDOW) {
      this.arrivalOffsets.shift();
    }
  }

  /** Render delay the clock steers toward, ms. */
  get targetDelayMs(): number {
    return Math.min(this.settings.maxInterpolationDelayMs,
      this.settings.interpolationDelayTicks * this.tickPeriodMs + this.jitterMs);
  }

  /** Spread of the arrival offsets in the window, ms. */
  get jitterMs(): number {
    if (this.arrivalOffsets.length === 0) {
      return 0;
    }
    return Math.max(...this.arrivalOffsets) - Math.min(...this.arrivalOffsets);
  }

  get bufferedSnapshots(): number {
    return this.buffer.length;
  }

  get addedSnapshots(): number {
    return this.added;
  }

  get ignoredSnapshots(): number {
    return this.ignored;
  }

  /**
   * Fill `out` with the world at local time `nowMs`.
   *
   * @returns false when nothing has arrived yet (`out` is then empty).
   */
  sample(nowMs: number, out: RenderState): boolean {
    const n = this.buffer.length;
    if (n === 0) {
      out.begin(0);
      return false;
    }
    const fastest = Math.min(...this.arrivalOffsets);
    const target = nowMs - fastest - this.targetDelayMs;
    if (Number.isNaN(this.renderTimeMs) || Math.abs(target - this.renderTimeMs) > Interpolator.SNAP_THRESHOLD_MS ||
      !(nowMs >= this.lastNowMs)) {
      this.renderTimeMs = target;
    } else {
      const error = target - this.renderTimeMs;
      const scale = 1 + Math.max(-Interpolator.MAX_TIME_SCALE_DEVIATION,
        Math.min(Interpolator.MAX_TIME_SCALE_DEVIATION, error / Interpolator.CATCH_UP_HORIZON_MS));
      this.renderTimeMs += (nowMs - this.lastNowMs) * scale;
    }
    this.lastNowMs = nowMs;
    const t = this.renderTimeMs;

    // Drop states no longer needed: keep the newest one at or before t.
    while (this.buffer.length > 2 && this.buffer[1].serverTimeMs <= t) {
      this.pool.push(this.buffer.shift() as WorldState);
    }
    const from = this.buffer[0];
    const to = this.buffer.length > 1 ? this.buffer[1] : from;
    let alpha = 0;
    let extrapolationMs = 0;
    if (to !== from) {
      const span = to.serverTimeMs - from.serverTimeMs;
      alpha = (t - from.serverTimeMs) / span;
      if (alpha > 1) {
        extrapolationMs = Math.min(t - to.serverTimeMs, this.settings.maxExtrapolationMs);
        alpha = 1 + extrapolationMs / span;
      }
      alpha = Math.max(0, alpha);
    }
    this.fill(from, to, alpha, out);
    out.renderServerTimeMs = t;
    out.extrapolationMs = extrapolationMs;
    out.delayMs = nowMs - fastest - t;
    out.fromTick = from.tick;
    out.toTick = to.tick;
    out.alpha = alpha;
    out.viewTick = Math.max(0, Math.floor(from.tick + (to.tick - from.tick) * alpha));
    this.lastViewTick = out.viewTick;
    return true;
  }

  private fill(from: WorldState, to: WorldState, alpha: number, out: RenderState): void {
    const slots = this.room.slotStride;
    const strings = this.room.stringStride;
    out.begin(to.count);
    const values = out.values;
    let fi = 0;
    for (let ti = 0; ti < to.count; ti++) {
      const id = to.ids[ti];
      while (fi < from.count && from.ids[fi] < id) {
        fi++;
      }
      const type = to.types[ti];
      const hasFrom = fi < from.count && from.ids[fi] === id && from !== to && from.types[fi] === type;
      out.ids[ti] = id;
      out.types[ti] = type;
      for (let k = 0; k < strings; k++) {
        out.strings[ti * strings + k] = to.strings[ti * strings + k];
      }
      const o = ti * slots;
      for (const f of this.room.types[type].schema.fields) {
        const s = f.firstSlot;
        if (f.kind === 'STRING') {
          values[o + s] = 0;
          continue;
        }
        const bq = to.values[ti * slots + s];
        if (f.kind === 'QUATERNION') {
          f.dequantizeQuaternion(to.values, ti * slots + s, QB);
          if (hasFrom) {
            f.dequantizeQuaternion(from.values, fi * slots + s, QA);
            nlerp(QA, QB, Math.min(alpha, 1), values, o + s);
          } else {
            values.set(QB, o + s);
          }
          continue;
        }
        const b = f.dequantize(bq);
        if (!hasFrom) {
          values[o + s] = b;
          continue;
        }
        const a = f.dequantize(from.values[fi * slots + s]);
        switch (f.kind) {
          case 'FIXED':
            values[o + s] = a + (b - a) * alpha;
            break;
          case 'ANGLE': {
            let d = (b - a) % TWO_PI;
            if (d > Math.PI) {
              d -= TWO_PI;
            } else if (d < -Math.PI) {
              d += TWO_PI;
            }
            let v = (a + d * alpha) % TWO_PI;
            if (v < 0) {
              v += TWO_PI;
            }
            values[o + s] = v;
            break;
          }
          default:
            values[o + s] = alpha >= 1 ? b : a;
            break;
        }
      }
    }
    out.count = to.count;
  }
}

const QA = new Float64Array(4);
const QB = new Float64Array(4);

function nlerp(a: Float64Array, b: Float64Array, t: number, out: Float64Array, o: number): void {
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const sign = dot < 0 ? -1 : 1;
  let len = 0;
  for (let c = 0; c < 4; c++) {
    const v = a[c] + (sign * b[c] - a[c]) * t;
    out[o + c] = v;
    len += v * v;
  }
  len = Math.sqrt(len) || 1;
  for (let c = 0; c < 4; c++) {
    out[o + c] /= len;
  }
}
