// A user's REGISTER to the gateway, as the gateway tests send it from a UdpPeer.
import { request } from '@switchboard/test-support';

export interface UserRegistration {
  /** The peer's port: its Via, and its Contact. */
  readonly fromPort: number;
  readonly sipPort: number;
  /** The user registering: a number at the gateway's domain. */
  readonly user: string;
  readonly callId: string;
  /** The CSeq number (a refresh needs a higher one with the same Call-ID). */
  readonly seq: number;
  readonly expires?: number;
}

export function userRegistration(r: UserRegistration): string {
  return request([
    `REGISTER sip:127.0.0.1:${r.sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${r.fromPort};branch=z9hG4bK${r.callId}-${r.seq}`,
    `From: <sip:${r.user}@switchboard.local>;tag=${r.callId}`,
    `To: <sip:${r.user}@switchboard.local>`,
    `Call-ID: ${r.callId}`,
    `CSeq: ${r.seq} REGISTER`,
    `Contact: <sip:${r.user}@127.0.0.1:${r.fromPort}>`,
    `Expires: ${r.expires ?? 600}`,
  ]);
}
