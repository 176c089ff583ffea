/** Series values are stored as little-endian Float64 BLOBs (the byte order of every platform Node ships on). */
export function toBlob(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** A stored value that cannot be what was written (a damaged page SQLite did not notice). Reported as a damaged session (exit 2). */
export class StoredDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredDataError';
  }
}

/** A Float64Array view of a BLOB; copies only when SQLite's buffer is not 8-byte aligned. */
export function fromBlob(buf: Buffer): Float64Array {
  if (!Buffer.isBuffer(buf) || buf.byteLength % 8 !== 0) throw new StoredDataError(`a stored sample block is damaged (${Buffer.isBuffer(buf) ? `${buf.byteLength} bytes, not whole 8-byte values` : `a ${typeof buf}, not a BLOB`})`);
  if (buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const copy = new Float64Array(buf.byteLength / 8);
  new Uint8Array(copy.buffer).set(buf);
  return copy;
}
