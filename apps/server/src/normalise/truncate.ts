/**
 * Cuts text to at most `maxBytes` of UTF-8 without splitting a character. The result of cutting JSON
 * is no longer JSON; the viewer shows content as text and ContentTruncated says why.
 */
export function capBytes(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // Fast path: a JS string never needs more than 3 UTF-8 bytes per UTF-16 unit.
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, truncated: false };
  let end = Math.max(0, maxBytes);
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: buf.subarray(0, end).toString('utf8'), truncated: true };
}
