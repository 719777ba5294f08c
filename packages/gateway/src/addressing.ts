// Numbers between SIP and SMPP: the user part of a sip: or tel: URI, visual separators dropped,
// and the TON / NPI that fits it (SMPP v3.4 §5.2.5, §5.2.6): "+" and digits is international /
// E.164; digits alone unknown / E.164; letters an alphanumeric sender (source only).
import { isSipUri, isTelUri, type Uri } from '@switchboard/sip';

/**
 * An SMPP address (SMPP v3.4 §5.2.5–§5.2.8): the number or name, with its type of number and
 * numbering plan.
 */
export interface SmppAddress {
  /** The digits without `+` or separators, or an alphanumeric sender name. */
  readonly addr: string;
  /** The type of number (SMPP v3.4 §5.2.5), one of {@link TON}. */
  readonly ton: number;
  /** The numbering plan indicator (SMPP v3.4 §5.2.6), one of {@link NPI}. */
  readonly npi: number;
}

/** The SMPP types of number (SMPP v3.4 §5.2.5) the gateway writes. */
export const TON = {
  /** A number without `+`: the SMSC applies its own rules. */
  UNKNOWN: 0,
  /** A number written with `+`: country code first (E.164). */
  INTERNATIONAL: 1,
  /** A sender name of letters and digits, source addresses only. */
  ALPHANUMERIC: 5,
} as const;
/** The SMPP numbering plan indicators (SMPP v3.4 §5.2.6) the gateway writes. */
export const NPI = {
  /** No plan: used with alphanumeric senders. */
  UNKNOWN: 0,
  /** ISDN / telephone numbering (E.164), for every number. */
  E164: 1,
} as const;

/** Why a URI is no destination: no number in it (484), or something else than a number (404). */
export class AddressError extends Error {
  /** A stable error code, `ERR_GATEWAY_ADDRESS`, to test for instead of the message. */
  readonly code = 'ERR_GATEWAY_ADDRESS';
  /** Builds the error with the status the MESSAGE is to be answered with. */
  constructor(
    message: string,
    /** The SIP status to answer with: 484 Address Incomplete or 404 Not Found. */
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
