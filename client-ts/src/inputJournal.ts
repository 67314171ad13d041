/**
 * Every input a session sent that the server has not applied yet, by sequence (the Java SDK's input
 * bookkeeping). Sequences start at 1 and never skip: when the journal is full it forgets the oldest
 * input only if it was already written on the current connection; otherwise (disconnected, or still
 * to be resent) it refuses the new input. After a resume, {@link onResumed} rewinds to the server's
 * `last_input_seq`, so every later input is written again and applied exactly once (the server
 * drops those it already queued).
 */
export class InputJournal {
  private readonly payloads = new Map<number, Uint8Array>();
  /** Per kept input: the server tick the client showed when it was sampled (`Input.view_tick`). */
  private readonly viewTicks = new Map<number, number>();
  private newestSeq = 0;
  private oldestSeq = 1;
  private sentSeq = 0;
  /** Last input the server applied. */
  lastProcessedSeq = 0;
  /** True after a resume until every journaled input was written again. */
  catchingUp = false;
  refused = 0;
  resent = 0;
  private highestWritten = 0;

  constructor(private readonly capacity: number) {}

  /**
   * Keep an input; its seq, or 0 when refused. `viewTick`: the server tick shown when it was sampled
   * (0 = unknown), written with it every time it is written (a resend carries the original one).
   */
  reserve(payload: Uint8Array, connected: boolean, viewTick = 0): number {
    if (this.newestSeq - this.oldestSeq + 1 >= this.capacity) {
      if (!connected || this.oldestSeq > this.sentSeq) {
        this.refused++;
        return 0;
      }
      this.payloads.delete(this.oldestSeq);
      this.viewTicks.delete(this.oldestSeq);
      this.oldestSeq++;
    }
    const seq = ++this.newestSeq;
    this.payloads.set(seq, payload);
    this.viewTicks.set(seq, viewTick);
    return seq;
  }

  /** Forget inputs up to `processed` (from a snapshot's `last_input_seq`). */
  onProcessed(processed: number): void {
    if (processed > this.lastProcessedSeq) {
      this.lastProcessedSeq = processed;
    }
    while (this.oldestSeq <= this.newestSeq && this.oldestSeq <= processed) {
      this.payloads.delete(this.oldestSeq);
      this.viewTicks.delete(this.oldestSeq);
      this.oldestSeq++;
    }
    if (this.sentSeq < processed) {
      this.sentSeq = processed;
    }
  }

  /** A resumed connection: the server applied up to `processed`; resend everything after it. */
  onResumed(processed: number): void {
    this.onProcessed(processed);
    this.sentSeq = processed;
    this.catchingUp = true;
  }

  /**
   * The next input to write, or null. While catching up, at most `window` inputs beyond the last
   * processed one are in flight (more would be dropped by the server's per-player queue).
   */
  next(window: number): { seq: number; payload: Uint8Array; viewTick: number } | null {
    while (this.sentSeq < this.newestSeq) {
      const seq = this.sentSeq + 1;
      if (this.catchingUp && seq - this.lastProcessedSeq > window) {
        return null;
      }
      this.sentSeq = seq;
      const payload = this.payloads.get(seq);
      if (payload !== undefined) {
        if (seq <= this.highestWritten) {
          this.resent++;
        } else {
          this.highestWritten = seq;
        }
        return { seq, payload, viewTick: this.viewTicks.get(seq) ?? 0 };
      }
    }
    this.catchingUp = false;
    return null;
  }

  /** Inputs kept (sent or not) that the server has not applied. */
  get size(): number {
    return this.newestSeq - this.oldestSeq + 1;
  }

  get lastSeq(): number {
    return this.newestSeq;
  }
}
