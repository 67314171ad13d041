/** A snapshot that does not fit its baseline or breaks the encoding's rules (Java's `DeltaException`). */
export class DeltaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeltaError';
  }
}
