// The octets the one-pass readers scan, beside the text they cut values from: the same ASCII at
// the same offsets. Reading an element of a Uint8Array costs about half a `charCodeAt` (which
// checks the string's representation on every call), and the readers read every character.

/**
 * The code units of `text` as octets at the same offsets, every one above 0x7F as 0x80 (the
 * readers take only ASCII by itself; anything else stops them or is carried over from the text).
 * A parsed head needs none of this: its octets are the received bytes.
 */
export function octetsOf(text: string): Uint8Array {
  const length = text.length;
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c < 128 ? c : 128;
  }
  return out;
}
