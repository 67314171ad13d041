import { DeltaError } from './deltaError.js';

/** 2^i for i in 0..63: fields are assembled with exact double arithmetic, never 32-bit shifts past bit 31. */
const POW2: Float64Array = (() => {
  const p = new Float64Array(64);
  let v = 1;
  for (let i = 0; i < 64; i++) {
    p[i] = v;
    v *= 2;
  }
  return p;
})();

/** The longest zero run before an Exp-Golomb code's 1 bit (protocol/README.md, "Version 3", EG(k)). */
export const MAX_EG_ZERO_RUN = 32;

/** The widest field {@link BitReader.readBits} returns exactly (an EG field is at most 32 + 15 bits). */
export const MAX_FIELD_BITS = 48;

/**
 * Reads a bit stream of protocol version 3 (`Snapshot.changed_bits` and `Snapshot.created_bits`, protocol/README.md
 * "Version 3: bit-packed changes"): bit `i` is bit `i mod 8` of byte `floor(i / 8)`, fields least significant bit
 * first, Exp-Golomb codes of order `k`. One reader is reset per snapshot and reused, so reading allocates
 * nothing. Fields of up to {@link MAX_FIELD_BITS} bits come back exact as numbers (assembled with
 * multiplications, not 32-bit bitwise operators, so a 32- or 33-bit value is not folded into an int32).
 * <p>
 * Every failure is a {@link DeltaError} whose message starts with the field's name and ` malformed: `
 * (`changed_bits malformed: ...`), in the Java `BitReader`'s words.
 */
export class BitReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private position = 0;
  private limit = 0;

  /** @param field the field this reader reads, as its errors name it (`changed_bits`, `created_bits`). */
  constructor(private readonly field: string = 'changed_bits') {}

  /** Read `bytes` from bit 0 (the reader keeps a reference, never a copy). */
  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.position = 0;
    this.limit = bytes.length * 8;
  }

  /** The index of the next bit to read. */
  get bitPosition(): number {
    return this.position;
  }

  /** The stream's length in bits (whole bytes). */
  get bitLength(): number {
    return this.limit;
  }

  /** One bit, 0 or 1. */
  readBit(): number {
    const p = this.position;
    if (p >= this.limit) {
      throw this.endsEarly(1);
    }
    this.position = p + 1;
    return (this.bytes[p >>> 3] >>> (p & 7)) & 1;
  }

  /** An unsigned `n`-bit field, least significant bit first, `n` in 0..{@link MAX_FIELD_BITS}. */
  readBits(n: number): number {
    let p = this.position;
    if (p + n > this.limit) {
      throw this.endsEarly(n);
    }
    const bytes = this.bytes;
    const i = p >>> 3;
    if (n <= 25 && i + 3 < bytes.length) {
      // Fast path: the field lies within the 32-bit little-endian word at its first byte (at most 7 + 25 bits).
      const word = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
      this.position = p + n;
      return (word >>> (p & 7)) & ((1 << n) - 1);
    }
    let result = 0;
    let got = 0;
    while (got < n) {
      const shift = p & 7;
      const take = Math.min(8 - shift, n - got);
      const bits = (bytes[p >>> 3] >>> shift) & ((1 << take) - 1);
      result += bits * POW2[got];
      got += take;
      p += take;
    }
    this.position = p;
    return result;
  }

  /**
   * An Exp-Golomb code of order `k` (0..15): `z` zero bits up to a 1 bit (at most {@link MAX_EG_ZERO_RUN}),
   * then a `(z + k)`-bit field `r`; the value is `2^(z+k) + r - 2^k`, exact (below 2^48).
   */
  readExpGolomb(k: number): number {
    const p = this.position;
    const bytes = this.bytes;
    const i = p >>> 3;
    if (i + 3 < bytes.length) {
      // Fast path: the whole code within the 32-bit little-endian word at the current byte.
      const shift = p & 7;
      const window = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> shift;
      if (window !== 0) {
        const z = 31 - Math.clz32(window & -window);
        const n = z + k;
        const used = z + 1 + n;
        if (used <= 32 - shift) {
          this.position = p + used;
          return (1 << n) + ((window >>> (z + 1)) & ((1 << n) - 1)) - (1 << k);
        }
      }
    }
    const z = this.zeroRun();
    const r = this.readBits(z + k);
    return POW2[z + k] + r - POW2[k];
  }

  /**
   * The end of the stream: only zero padding bits may be left, fewer than 8 (no whole byte left over).
   */
  finish(): void {
    const p = this.position;
    const left = this.limit - p;
    if (left >= 8) {
      throw new DeltaError(`${this.field} malformed: ${left >>> 3} byte(s) left after the last entity`);
    }
    if (left > 0 && (this.bytes[p >>> 3] >>> (p & 7)) !== 0) {
      throw new DeltaError(`${this.field} malformed: non-zero padding after the last entity`);
    }
  }

  /** Zero bits before the next 1 bit, which is consumed too. */
  private zeroRun(): number {
    const bytes = this.bytes;
    const start = this.position;
    const i = start >>> 3;
    if (i + 3 < bytes.length) {
      // Fast path: the 1 bit within the next 25..32 bits (the 32-bit word at the current byte).
      const window = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> (start & 7);
      if (window !== 0) {
        const trailing = 31 - Math.clz32(window & -window);
        this.position = start + trailing + 1;
        return trailing;
      }
    }
    return this.zeroRunSlow(start);
  }

  /** {@link zeroRun} a byte at a time, to the end of the stream, with its failures. */
  private zeroRunSlow(start: number): number {
    const bytes = this.bytes;
    const limit = this.limit;
    let p = start;
    let z = 0;
    while (p < limit) {
      const shift = p & 7;
      const window = bytes[p >>> 3] >>> shift;
      if (window !== 0) {
        const trailing = 31 - Math.clz32(window & -window);
        z += trailing;
        if (z > MAX_EG_ZERO_RUN) {
          break;
        }
        this.position = p + trailing + 1;
        return z;
      }
      z += 8 - shift;
      p += 8 - shift;
      if (z > MAX_EG_ZERO_RUN) {
        break;
      }
    }
    if (z > MAX_EG_ZERO_RUN) {
      // The bit after the first zero too many, as Java counts.
      throw new DeltaError(`${this.field} malformed: zero prefix longer than ${MAX_EG_ZERO_RUN} bits at bit ` +
        `${start + MAX_EG_ZERO_RUN + 1}`);
    }
    throw new DeltaError(`${this.field} malformed: ends early at bit ${limit} inside a code's zero prefix`);
  }

  private endsEarly(n: number): DeltaError {
    return new DeltaError(`${this.field} malformed: ends early at bit ${this.position} of ${this.limit}, wanted ${n} more`);
  }
}
