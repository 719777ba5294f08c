// The two deadlines every stream connection process keeps, TCP/TLS and WebSocket alike: idle (no
// whole message, ping or write for `idleTimeout`) and partial (part of a message held for
// `partialMessageTimeout`, a slowloris). Each is one timer on the runtime clock, re-armed for what
// is left when it fires early; the process decides how to close its own socket.
import { self, sendAfter } from '@switchboard/actor';
import type { ParseLimits } from '../message/parser.js';
import type { Inbound } from './inbound.js';
import type { Connection } from './endpoint.js';
import type { TransportSet } from './transport-set.js';

/** What a connection's process needs, whatever carries the connection. */
export interface ConnectionProcessArgs<C extends Connection> {
  /** The connection (already in the transport set's table). */
  readonly connection: C;
  /** The stack's transports: the connection leaves their table when it closes. */
  readonly transports: TransportSet;
  /** Where parsed messages go (the router). */
  readonly inbound: Inbound;
  /** Parser limits. */
  readonly limits: ParseLimits;
  /** Close after this many ms without a whole message or ping read, or a write. */
  readonly idleTimeout: number;
  /** Close when part of a message has been held this many ms. */
  readonly partialMessageTimeout: number;
  /** The runtime clock. */
  readonly now: () => number;
}

/** Sent to itself when the idle deadline may have passed. */
export class IdleCheck {}
/** Sent to itself when the partial-message deadline may have passed. */
export class PartialCheck {}

/** The partial-message clock a process keeps in its state. */
export interface PartialClock {
  /** Since when part of a message has been held (the clock's time), or null. */
  partialSince: number | null;
  /** A PartialCheck is scheduled. */
  partialCheckArmed: boolean;
}

/** Arms the first idle check (none with an infinite timeout). */
export function armIdleCheck(args: ConnectionProcessArgs<Connection>): void {
  if (args.idleTimeout !== Infinity) sendAfter(self(), new IdleCheck(), args.idleTimeout);
}

/** Starts (or restarts) the partial-message clock now, arming a check when none is pending. */
export function startPartial(clock: PartialClock, args: ConnectionProcessArgs<Connection>): void {
  clock.partialSince = args.now();
  if (!clock.partialCheckArmed) armPartialCheck(clock, args, args.partialMessageTimeout);
}

/** On a PartialCheck: how long part of a message has been held once past the limit, else undefined (re-armed if still held). */
export function partialExpired(clock: PartialClock, args: ConnectionProcessArgs<Connection>): number | undefined {
  clock.partialCheckArmed = false;
  if (clock.partialSince === null) return undefined;
  const held = args.now() - clock.partialSince;
  if (held >= args.partialMessageTimeout) return held;
  armPartialCheck(clock, args, args.partialMessageTimeout - held);
  return undefined;
}

/** On an IdleCheck: how long the connection has been idle once past the limit, else undefined (re-armed for the rest). */
export function idleExpired(args: ConnectionProcessArgs<Connection>): number | undefined {
  const idle = args.now() - args.connection.lastActive;
  if (idle >= args.idleTimeout) return idle;
  sendAfter(self(), new IdleCheck(), args.idleTimeout - idle);
  return undefined;
}

function armPartialCheck(clock: PartialClock, args: ConnectionProcessArgs<Connection>, after: number): void {
  if (args.partialMessageTimeout === Infinity) return;
  clock.partialCheckArmed = true;
  sendAfter(self(), new PartialCheck(), after);
}
