// Numbers between SIP and SMPP: the user part of a sip: or tel: URI, visual separators dropped,
// and the TON / NPI that fits it (SMPP v3.4 §5.2.5, §5.2.6): "+" and digits is international /
// E.164; digits alone unknown / E.164; letters an alphanumeric sender (source only).
import { isSipUri, isTelUri, type Uri } from '@switchboard/sip';

export interface SmppAddress {
  readonly addr: string;
  readonly ton: number;
  readonly npi: number;
}

export const TON = { UNKNOWN: 0, INTERNATIONAL: 1, ALPHANUMERIC: 5 } as const;
export const NPI = { UNKNOWN: 0, E164: 1 } as const;

/** Why a URI is no destination: no number in it (484), or something else than a number (404). */
export class AddressError extends Error {
  readonly code = 'ERR_GATEWAY_ADDRESS';
  constructor(
    message: string,
    readonly status: 404 | 484,
  ) {
    super(message);
    this.name = 'AddressError';
  }
}

function userOf(uri: Uri): string | null {
  if (isTelUri(uri)) return uri.number;
  if (isSipUri(uri)) return uri.user;
  return null;
}

/** The destination number of a Request-URI. Throws AddressError. */
export function destinationOf(uri: Uri): SmppAddress {
  const user = userOf(uri);
  if (user === null || user === '') throw new AddressError('the Request-URI has no number', 484);
  const compact = user.replace(/[-.() ]/g, '');
  const international = compact.startsWith('+');
  const digits = international ? compact.slice(1) : compact;
  if (!/^\d+$/.test(digits)) throw new AddressError(`${user} is not a phone number`, 404);
  if (digits.length < 3) throw new AddressError(`${user} is too short for a phone number`, 484);
  if (digits.length > 20) throw new AddressError(`${user} is too long for an SMPP address`, 404);
  return { addr: digits, ton: international ? TON.INTERNATIONAL : TON.UNKNOWN, npi: NPI.E164 };
}

/** The source address for a sender: its number, or an alphanumeric name (at most 11 characters), or `fallback`. */
export function sourceOf(uri: Uri, fallback: string): SmppAddress {
  const user = userOf(uri);
  if (user !== null && user !== '') {
    try {
      return destinationOf(uri);
    } catch {
      if (/^[A-Za-z0-9 ]{1,11}$/.test(user)) return { addr: user, ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN };
    }
  }
  return { addr: fallback, ton: TON.UNKNOWN, npi: NPI.E164 };
}
