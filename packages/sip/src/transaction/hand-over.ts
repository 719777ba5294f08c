// How a transaction process gives its transaction to the table once only its last timer is left
// (held-entries.ts). It sends itself a `HandOver` when its machine enters that state, so whatever
// was already in its mailbox is still handled by the machine, exactly as before; at the `HandOver`
// it moves the transaction to the store and ends. The first copy of a final response or an ACK
// made on the way in is left for the store to send (`unsent`): the process will be gone before a
// transport failure of it could come back, and the store's process will not.
import { send, self } from '@switchboard/actor';
import type { Destination } from '../transport/endpoint.js';
import type { TransactionEnvironment } from './environment.js';
import type { ClientTransaction, ServerTransaction } from './handles.js';
import { AcceptedServer, CompletedClient, CompletedServer, ConfirmedServer, detachedKey, type FirstSend } from './held-entries.js';

/** To itself: the machine has entered a state a held transaction can take over. */
export class HandOver {}

const HAND_OVER = new HandOver();

/** Asks the running process to hand over after the messages already in its mailbox. */
export function scheduleHandOver(): void {
  send(self<{ call: never; reply: never; cast: never; info: HandOver }>(), HAND_OVER);
}

/**
 * True when the store runs and `delay` (the state's last timer) is worth holding for: over a
 * reliable transport these timers are zero and the process just ends.
 */
export function canHold(env: TransactionEnvironment, delay: number): boolean {
  return delay > 0 && env.held.running;
}

function firstSend(bytes: Buffer | null, destination: Destination, transaction: ServerTransaction | ClientTransaction): FirstSend | undefined {
  return bytes === null ? undefined : { bytes, destination, transaction };
}

/** A non-INVITE server transaction in Completed (§17.2.2) goes to the store; false if it cannot. */
export function holdCompletedServer(env: TransactionEnvironment, handle: ServerTransaction, response: Buffer, target: Destination, unsent: Buffer | null, timerJ: number): boolean {
  const entry = new CompletedServer(env.held, detachedKey(handle.key), response, target);
  if (!env.held.hold(entry, timerJ, firstSend(unsent, target, handle))) return false;
  handle.held = entry;
  handle.pid = null;
  return true;
}

/** An INVITE server transaction in Confirmed (§17.2.1) goes to the store; false if it cannot. */
export function holdConfirmedServer(env: TransactionEnvironment, handle: ServerTransaction, timerI: number): boolean {
  const entry = new ConfirmedServer(env.held, detachedKey(handle.key), handle);
  if (!env.held.hold(entry, timerI)) return false;
  handle.held = entry;
  handle.pid = null;
  // the entry keeps the handle, and with it the request: what was read of it can be read again
  handle.request.releaseReads();
  return true;
}

/**
 * An INVITE server transaction in Accepted (RFC 6026 §7.1) goes to the store for what is left of
 * Timer L; false if it cannot.
 */
export function holdAcceptedServer(env: TransactionEnvironment, handle: ServerTransaction, target: Destination, timerLLeft: number): boolean {
  const entry = new AcceptedServer(env.held, detachedKey(handle.key), handle, target);
  if (!env.held.hold(entry, timerLLeft)) return false;
  handle.held = entry;
  handle.pid = null;
  // the entry keeps the handle, and with it the request: what was read of it can be read again
  handle.request.releaseReads();
  return true;
}

/** A client transaction in Completed (§17.1.1.2, §17.1.2.2) goes to the store; false if it cannot. */
export function holdCompletedClient(env: TransactionEnvironment, handle: ClientTransaction, ack: Buffer | null, unsent: Buffer | null, delay: number): boolean {
  const entry = new CompletedClient(env.held, detachedKey(handle.key), ack, handle.destination);
  if (!env.held.hold(entry, delay, firstSend(unsent, handle.destination, handle))) return false;
  handle.held = entry;
  handle.pid = null;
  return true;
}
