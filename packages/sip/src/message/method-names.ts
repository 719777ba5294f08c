// Request methods as read from a head: RFC 3261's own and the common extensions come back as the
// literals below, so that a request line's method and its CSeq's, read the same way, are one
// string (comparing them is one pointer comparison) and neither is cut from the head.

/** The methods held as literals, by their length. */
const METHODS: (string[] | undefined)[] = [];
for (const method of ['ACK', 'BYE', 'INFO', 'PRACK', 'REFER', 'INVITE', 'CANCEL', 'NOTIFY', 'UPDATE', 'OPTIONS', 'MESSAGE', 'PUBLISH', 'REGISTER', 'SUBSCRIBE']) {
  (METHODS[method.length] ??= []).push(method);
}

/** The method text[from, to) (case-sensitive, RFC 3261 §7.1), whose octets are `octets`. */
export function methodAt(text: string, octets: Uint8Array, from: number, to: number): string {
  const candidates = METHODS[to - from];
  if (candidates !== undefined) {
    for (let i = 0; i < candidates.length; i++) {
      const method = candidates[i]!;
      if (sameOctets(octets, from, method)) return method;
    }
  }
  return text.slice(from, to);
}

function sameOctets(octets: Uint8Array, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (octets[at + i] !== word.charCodeAt(i)) return false;
  return true;
}
