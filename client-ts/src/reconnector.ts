import { CloseCodes } from './closeCodes.js';
import type { Matchmaker } from './matchmaker.js';

/** How a session resumes after a lost connection (Java's `ReconnectPolicy`). */
export interface ReconnectPolicy {
  enabled: boolean;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** `full`: uniform in [0, d]; `half`: in [d/2, 3d/2]; `none`: exactly d. */
  jitter: 'full' | 'half' | 'none';
  /** 0: no limit; {@link giveUpAfterMs} bounds the attempts. */
  maxAttempts: number;
  /** Give up when the next attempt would start later than this after the loss (server grace: 10 s). */
  giveUpAfterMs: number;
  /** Inputs in flight beyond the server's `last_input_seq` while resending after a resume. */
  resendWindowInputs: number;
}

export const DEFAULT_RECONNECT_POLICY: Readonly<ReconnectPolicy> = Object.freeze({
  enabled: true,
  initialDelayMs: 100,
  maxDelayMs: 5000,
  multiplier: 2,
  jitter: 'full',
  maxAttempts: 0,
  giveUpAfterMs: 10_000,
  resendWindowInputs: 12,
});

/**
 * Losses that reconnect: no close frame (1006: reset, dead path, silence), and the server's ack and
 * idle timeouts (4007, 4010), after which it keeps the player for its grace period. Any other code
 * is the server's decision and final, notably 4009 (room closed), 4013 (resumed elsewhere), 4014
 * (join timeout), 4015 (room options refused), 4016 (server draining: the caller rejoins through the
 * {@link Matchmaker}, since this server's URL is going away) and the game's refusals and kicks (4100-4199).
 */
export function reconnectsOn(closeCode: number): boolean {
  return closeCode === CloseCodes.ABNORMAL_CLOSURE || closeCode === CloseCodes.ACK_TIMEOUT ||
    closeCode === CloseCodes.IDLE_TIMEOUT;
}

/** Failed attempts that are retried: lost or timed out (1006), try again later (1013), overloaded (4008). */
export function retriesAttemptOn(closeCode: number): boolean {
  return closeCode === CloseCodes.ABNORMAL_CLOSURE || closeCode === CloseCodes.SERVER_OVERLOADED ||
    closeCode === CloseCodes.TRY_AGAIN_LATER;
}

/**
 * Schedules resume attempts after a loss: backoff with jitter, bounded by attempts and time. One
 * per session; {@link onLost} starts a series, {@link stop} ends it.
 */
export class Reconnector {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private lostAtMs = 0;
  active = false;
  attempts = 0;

  constructor(
    private readonly policy: ReconnectPolicy,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  delayMs(attempt: number, r: number): number {
    const d = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * this.policy.multiplier ** (attempt - 1));
    switch (this.policy.jitter) {
      case 'full':
        return d * r;
      case 'half':
        return d / 2 + d * r;
      default:
        return d;
    }
  }

  /** Start a series after a loss. */
  onLost(): void {
    this.active = true;
    this.attempt = 0;
    this.lostAtMs = this.now();
  }

  /**
   * Schedule the next attempt; `attemptFn` gets the time left (ms). Returns a reason when giving up.
   */
  scheduleNext(attemptFn: (timeLeftMs: number) => void): string | null {
    this.attempt++;
    if (this.policy.maxAttempts > 0 && this.attempt > this.policy.maxAttempts) {
      return `no resume after ${this.policy.maxAttempts} attempts`;
    }
    const delay = this.delayMs(this.attempt, this.random());
    const elapsed = this.now() - this.lostAtMs;
    if (elapsed + delay >= this.policy.giveUpAfterMs) {
      return `no resume within giveUpAfterMs=${this.policy.giveUpAfterMs} (${this.attempt - 1} attempts)`;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.active) {
        this.attempts++;
        attemptFn(Math.max(1, this.policy.giveUpAfterMs - (this.now() - this.lostAtMs)));
      }
    }, delay);
    return null;
  }

  stop(): void {
    this.active = false;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
