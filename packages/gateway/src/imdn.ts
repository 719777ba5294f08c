// Delivery notifications (RFC 5438 §7.2.1.1): what a delivery receipt from the SMSC becomes for
// the SIP user who sent the message. The notification is sent as the body of a MESSAGE
// (Content-Type message/imdn+xml); its message-id is the Call-ID of the user's MESSAGE.
import { MessageState } from '@switchboard/smpp';

/**
 * The IMDN delivery statuses (RFC 5438 §7.2.1.1) the gateway reports: a final SMPP receipt is one
 * or the other.
 */
export type DeliveryStatus = 'delivered' | 'failed';

/** The final states of SMPP v3.4 §5.2.28 as IMDN delivery statuses; intermediate ones give undefined. */
export function deliveryStatusOf(state: number | undefined): DeliveryStatus | undefined {
  if (state === MessageState.DELIVERED) return 'delivered';
  if (state === MessageState.UNDELIVERABLE || state === MessageState.EXPIRED || state === MessageState.REJECTED || state === MessageState.DELETED) return 'failed';
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The body of a delivery notification (RFC 5438 §7.2.1.1): an IMDN XML document for the message
 * whose Call-ID was `messageId`, sent to the sender with {@link IMDN_CONTENT_TYPE}.
 */
export function imdnDocument(messageId: string, recipientUri: string, status: DeliveryStatus, at: Date): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<imdn xmlns="urn:ietf:params:xml:ns:imdn">',
    `  <message-id>${escape(messageId)}</message-id>`,
    `  <datetime>${at.toISOString()}</datetime>`,
    `  <recipient-uri>${escape(recipientUri)}</recipient-uri>`,
    `  <original-recipient-uri>${escape(recipientUri)}</original-recipient-uri>`,
    `  <delivery-notification><status><${status}/></status></delivery-notification>`,
    '</imdn>',
    '',
  ].join('\n');
}

/** The Content-Type of a delivery notification's body (RFC 5438 §7.2.1.1). */
export const IMDN_CONTENT_TYPE = 'message/imdn+xml';
