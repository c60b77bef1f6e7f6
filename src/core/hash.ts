/**
 * A short hash of a string, for ids that must differ between different contents (charts'
 * element ids). Not cryptographic: two 32-bit FNV-1a hashes with different offsets, over
 * UTF-16 code units, as 10 hex digits. The same on every platform (no crypto module).
 */
export function stringHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return ((a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')).slice(0, 10);
}
