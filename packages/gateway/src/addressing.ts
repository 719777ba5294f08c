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

/** Why a user part is not a phone number: the message and the SIP status of an AddressError. */
interface NotANumber {
  readonly problem: string;
  readonly status: 404 | 484;
}

/** A user part read as a phone number, or why it is not one (no exception: a sender's name is no error). */
function numberOf(user: string | null): SmppAddress | NotANumber {
  if (user === null || user === '') return { problem: 'the Request-URI has no number', status: 484 };
  const compact = user.replace(/[-.() ]/g, '');
  const international = compact.startsWith('+');
  const digits = international ? compact.slice(1) : compact;
  if (!/^\d+$/.test(digits)) return { problem: `${user} is not a phone number`, status: 404 };
  if (digits.length < 3) return { problem: `${user} is too short for a phone number`, status: 484 };
  if (digits.length > 20) return { problem: `${user} is too long for an SMPP address`, status: 404 };
  return { addr: digits, ton: international ? TON.INTERNATIONAL : TON.UNKNOWN, npi: NPI.E164 };
}

/** The destination number of a Request-URI. Throws AddressError. */
export function destinationOf(uri: Uri): SmppAddress {
  const read = numberOf(userOf(uri));
  if ('problem' in read) throw new AddressError(read.problem, read.status);
  return read;
}

/** The source address for a sender: its number, or an alphanumeric name (at most 11 characters), or `fallback`. */
export function sourceOf(uri: Uri, fallback: string): SmppAddress {
  const user = userOf(uri);
  if (user !== null && user !== '') {
    const read = numberOf(user);
    if (!('problem' in read)) return read;
    if (/^[A-Za-z0-9 ]{1,11}$/.test(user)) return { addr: user, ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN };
  }
  return { addr: fallback, ton: TON.UNKNOWN, npi: NPI.E164 };
}
