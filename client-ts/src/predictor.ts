import { EntityState } from './entityState.js';
import { RoomSchema, type EntitySchema } from './schema.js';
import type { WorldState } from './worldState.js';

/**
 * A game's simulation of one input on its own entity: the same code as the server's for that input,
 * through the same quantizers (an {@link EntityState}), so a prediction matches bit for bit.
 */
export type StepFunction = (state: EntityState, input: Uint8Array) => void;

/** Told when a server state disagrees with what the client predicted for it. */
export type MispredictionListener = (predicted: EntityState, corrected: EntityState) => void;

/** What a predictor needs of its session: to send an input (returns its seq, 0 when refused). */
export interface InputSender {
  sendInput(payload: Uint8Array): number;
}

interface PendingInput {
  seq: number;
  payload: Uint8Array;
}

/**
 * Client-side prediction and reconciliation of the player's entity (Java's `Predictor`). Each input
 * is sent and stepped at once on the predicted state; each applied snapshot names the last input the
 * server applied (`last_input_seq`), so {@link reconcile} restarts from the server's entity and
 * replays the inputs after it. A replayed result that differs from what was shown (beyond
 * `toleranceSlots`) is a misprediction.
 * <p>
 * {@link update} paces inputs to the tick rate from the time the caller passes (the
 * `requestAnimationFrame` timestamp): one input per tick period, at most {@link MAX_CATCH_UP_INPUTS}
 * at once after a stall (the rest are skipped, not queued).
 */
export class Predictor {
  static readonly MAX_CATCH_UP_INPUTS = 4;

  /** The predicted entity (of the player entity's type; numeric slots only, STRING slots stay 0). */
  state: EntityState;
  private corrected: EntityState;
  readonly room: RoomSchema;
  private readonly pending: PendingInput[] = [];
  private readonly tickPeriodMs: number;
  private serverSlots: Int32Array | null = null;
  private serverSeq = 0;
  private serverDirty = false;
  private has = false;
  private nextInputAtMs = Number.NaN;
  private listener: MispredictionListener | null = null;
  mispredictions = 0;
  reconciliations = 0;
  inputsSent = 0;
  replayedInputs = 0;
  inputsSkipped = 0;

  constructor(
    schema: EntitySchema | RoomSchema,
    readonly entityId: number,
    private readonly step: StepFunction,
    private readonly sender: InputSender,
    tickRateHz: number,
    private readonly toleranceSlots: number,
  ) {
    this.room = RoomSchema.from(schema);
    this.state = new EntityState(this.room.types[0].schema);
    this.corrected = new EntityState(this.room.types[0].schema);
    this.tickPeriodMs = 1000 / tickRateHz;
  }

  mispredictionListener(listener: MispredictionListener | null): void {
    this.listener = listener;
  }

  /** @internal an applied server state and the last input the server applied before it. */
  onServerState(newest: WorldState, lastInputSeq: number): void {
    const i = newest.indexOf(this.entityId);
    if (i < 0) {
      return;
    }
    const schema = this.room.types[newest.types[i]].schema;
    if (schema !== this.state.schema) {
      // The player's entity is not of type 0: predict on its own type's fields from now on.
      this.state = new EntityState(schema);
      this.corrected = new EntityState(schema);
      this.serverSlots = null;
      this.has = false;
    }
    if (this.serverSlots === null) {
      this.serverSlots = new Int32Array(schema.slotCount);
    }
    this.serverSlots.set(newest.values.subarray(i * newest.slotCount, i * newest.slotCount + schema.slotCount));
    this.serverSeq = lastInputSeq;
    this.serverDirty = true;
  }

  /**
   * Restart from the newest server state and replay the unacknowledged inputs.
   *
   * @returns true when there was a new server state to reconcile with.
   */
  reconcile(): boolean {
    if (!this.serverDirty || this.serverSlots === null) {
      return false;
    }
    this.serverDirty = false;
    let drop = 0;
    while (drop < this.pending.length && this.pending[drop].seq <= this.serverSeq) {
      drop++;
    }
    this.pending.splice(0, drop);
    this.corrected.copyFromArray(this.serverSlots, 0);
    for (const input of this.pending) {
      this.step(this.corrected, input.payload);
      this.replayedInputs++;
    }
    if (this.has && !this.corrected.matches(this.state, this.toleranceSlots)) {
      this.mispredictions++;
      if (this.listener !== null) {
        this.listener(this.state, this.corrected);
      }
    }
    this.state.copyFrom(this.corrected);
    this.has = true;
    this.reconciliations++;
    return true;
  }

  /** Send one input now and predict it. Returns its seq, or 0 when the session refused it. */
  sendInput(payload: Uint8Array): number {
    const seq = this.sender.sendInput(payload);
    if (seq === 0) {
      return 0;
    }
    this.inputsSent++;
    this.reconcile();
    const copy = payload.slice();
    this.pending.push({ seq, payload: copy });
    if (this.has) {
      this.step(this.state, copy);
    }
    return seq;
  }

  /**
   * Once per frame: reconcile, then send `payload` as often as tick periods have passed since the
   * last input (usually 0 or 1 times).
   *
   * @param nowMs the caller's clock, e.g. the `requestAnimationFrame` timestamp.
   * @returns inputs sent.
   */
  update(nowMs: number, payload: Uint8Array): number {
    this.reconcile();
    if (Number.isNaN(this.nextInputAtMs)) {
      this.nextInputAtMs = nowMs;
    }
    let due = Math.floor((nowMs - this.nextInputAtMs) / this.tickPeriodMs) + 1;
    if (due <= 0) {
      return 0;
    }
    if (due > Predictor.MAX_CATCH_UP_INPUTS) {
      this.inputsSkipped += due - Predictor.MAX_CATCH_UP_INPUTS;
      this.nextInputAtMs += (due - Predictor.MAX_CATCH_UP_INPUTS) * this.tickPeriodMs;
      due = Predictor.MAX_CATCH_UP_INPUTS;
    }
    let sent = 0;
    for (let i = 0; i < due; i++) {
      if (this.sendInput(payload) === 0) {
        break;
      }
      sent++;
      this.nextInputAtMs += this.tickPeriodMs;
    }
    return sent;
  }

  /** The schema of the predicted entity's type. */
  get schema(): EntitySchema {
    return this.state.schema;
  }

  get hasState(): boolean {
    return this.has;
  }

  get pendingInputs(): number {
    return this.pending.length;
  }

  get lastProcessedSeq(): number {
    return this.serverSeq;
  }

  toString(): string {
    return `Predictor{entityId=${this.entityId}, pending=${this.pending.length}, mispredictions=${this.mispredictions}}`;
  }
}
