// A user's MESSAGE to the gateway, as the gateway tests send it from a UdpPeer.
import { request } from '@switchboard/test-support';

export interface UserMessage {
  /** The peer's port (its Via). */
  readonly fromPort: number;
  readonly sipPort: number;
  /** The user sending: a number at the gateway's domain. */
  readonly user: string;
  /** The destination number. */
  readonly to: string;
  readonly callId: string;
  readonly body: string;
  readonly contentType?: string;
}

export function userMessage(m: UserMessage): string {
  return request(
    [
      `MESSAGE sip:${m.to}@127.0.0.1:${m.sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${m.fromPort};branch=z9hG4bK${m.callId}`,
      `From: <sip:${m.user}@switchboard.local>;tag=${m.callId}`,
      `To: <sip:${m.to}@switchboard.local>`,
      `Call-ID: ${m.callId}`,
      'CSeq: 1 MESSAGE',
      `Content-Type: ${m.contentType ?? 'text/plain'}`,
    ],
    m.body,
  );
}
