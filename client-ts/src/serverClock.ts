/**
 * Time sync from ping round trips (Java's `ServerClock`): each `Pong` gives one sample of the offset
 * between the local clock and the server's, assuming a symmetric path. Of the last {@link WINDOW}
 * samples the {@link BEST_SAMPLES} with the shortest round trip are averaged (queueing only ever
 * adds delay, so the fastest round trips are the truest). Local time is whatever monotonic
 * milliseconds the client uses (`performance.now()` by default).
 */
export class ServerClock {
  static readonly WINDOW = 16;
  static readonly BEST_SAMPLES = 4;
  static readonly MIN_SAMPLES = 4;

  private readonly rtts: number[] = [];
  private readonly offsets: number[] = [];
  private readonly serverTicks: number[] = [];
  private readonly serverTimes: number[] = [];
  private accepted = 0;
  private rejected = 0;
  private offset = 0;
  private rtt = -1;
  private jitter = 0;
  private refTick = 0;
  private refServerMs = 0;

  constructor(readonly tickPeriodMs: number) {}

  /** One round trip: sent and received in local ms; the server's clock in ns and its tick. */
  onPong(sentLocalMs: number, receivedLocalMs: number, serverTimeNs: number, serverTick: number): void {
    const rtt = receivedLocalMs - sentLocalMs;
    if (!(rtt >= 0) || !Number.isFinite(rtt)) {
      this.rejected++;
      return;
    }
    this.accepted++;
    const serverMs = serverTimeNs / 1e6;
    this.rtts.push(rtt);
    this.offsets.push(serverMs - (sentLocalMs + rtt / 2));
    this.serverTicks.push(serverTick);
    this.serverTimes.push(serverMs);
    if (this.rtts.length > ServerClock.WINDOW) {
      this.rtts.shift();
      this.offsets.shift();
      this.serverTicks.shift();
      this.serverTimes.shift();
    }
    const order = this.rtts.map((_, i) => i).sort((a, b) => this.rtts[a] - this.rtts[b]);
    const best = order.slice(0, ServerClock.BEST_SAMPLES);
    this.offset = best.reduce((sum, i) => sum + this.offsets[i], 0) / best.length;
    this.rtt = this.rtts[order[0]];
    this.jitter = this.rtts[order[order.length - 1]] - this.rtt;
    this.refTick = this.serverTicks[order[0]];
    this.refServerMs = this.serverTimes[order[0]];
  }

  get isSynchronized(): boolean {
    return this.accepted >= ServerClock.MIN_SAMPLES;
  }

  get acceptedSamples(): number {
    return this.accepted;
  }

  get rejectedSamples(): number {
    return this.rejected;
  }

  /** Server clock minus local clock, ms. */
  get offsetMs(): number {
    return this.offset;
  }

  /** Shortest round trip in the window, ms (-1 before the first sample). */
  get rttMs(): number {
    return this.rtt;
  }

  /** Longest minus shortest round trip in the window, ms. */
  get jitterMs(): number {
    return this.jitter;
  }

  /** The server's clock now (ms since the server started), from the local time. */
  estimatedServerTimeMs(localMs: number): number {
    return localMs + this.offset;
  }

  /** The server's tick now, fractional. */
  estimatedServerTick(localMs: number): number {
    return this.refTick + (this.estimatedServerTimeMs(localMs) - this.refServerMs) / this.tickPeriodMs;
  }

  toString(): string {
    return `ServerClock{offsetMs=${this.offset.toFixed(3)}, rttMs=${this.rtt.toFixed(3)}, samples=${this.accepted}}`;
  }
}
