/** Series values are stored as little-endian Float64 BLOBs (the byte order of every platform Node ships on). */
export function toBlob(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** A Float64Array view of a BLOB; copies only when SQLite's buffer is not 8-byte aligned. */
export function fromBlob(buf: Buffer): Float64Array {
  if (buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const copy = new Float64Array(buf.byteLength / 8);
  new Uint8Array(copy.buffer).set(buf);
  return copy;
}
