// What `SmppClient.connect` is given: where the MC is, how to speak to it and what to do on
// deliveries, binds and dropped connections; and what `onStatus` is told.
import type { ConnectionOptions } from 'node:tls';
import type { Pdu } from './pdu/types.js';
import type { SessionOptions } from './session/options.js';
import type { BindParams } from './bind-params.js';
import type { DeliverHandler } from './client-deliveries.js';

/**
 * How a client with `reconnect` backs off between attempts: `delay` after the first failure,
 * doubling up to `maxDelay`, so a down MC is not hammered.
 */
export interface ReconnectOptions {
  /** First delay before reconnecting (ms, runtime clock). Default 1,000. */
  readonly delay?: number;
  /** Largest delay; it doubles after each failed attempt. Default 30,000. */
  readonly maxDelay?: number;
}

/**
 * Options of `SmppClient.connect`: where the MC is, how to speak to it, and what to do on
 * deliveries, binds and dropped connections. Only `port` is required.
 */
export interface SmppClientOptions {
  /** The MC's host name or address (default `'127.0.0.1'`). */
  readonly host?: string;
  /** The MC's TCP port (2775 is SMPP's registered port; 3550 for SMPP over TLS). */
  readonly port: number;
  /** TLS options (node:tls) to connect over TLS instead of plain TCP. */
  readonly tls?: ConnectionOptions;
  /** Window, timers and limits of the session (every one has a default). */
  readonly options?: SessionOptions;
  /** How long a connection attempt may take before it fails (ms, default 10,000). */
  readonly connectTimeout?: number;
  /** Requests from the MC; without it they are answered ESME_ROK. */
  readonly onDeliver?: DeliverHandler;
  /** Bind as soon as connected (and after every reconnect). Required with `reconnect`. */
  readonly bind?: BindParams;
  /** Reconnect and rebind when the connection drops or the bind fails. */
  readonly reconnect?: ReconnectOptions | boolean;
  /** Told when the client binds, and when its connection ends (with the reason). */
  readonly onStatus?: (status: ClientStatus) => void;
  /**
   * Aborting it closes the client: a `connect` still trying (with `reconnect`, it retries until the
   * MC answers) stops at once and rejects with `ConnectAbortedError`; a connected client unbinds.
   * The owner of a client that may never connect (a process being shut down) needs it.
   */
  readonly signal?: AbortSignal;
}

/** What `onStatus` is told: bound, the connection ended, or a reconnect attempt failed (the next follows after `delay` ms). */
export type ClientStatus =
  | {
      /** The bind succeeded: the client can submit (or receive, by its mode). */
      readonly type: 'bound';
      /** The MC's bind response (its system_id names the MC). */
      readonly response: Pdu;
    }
  | {
      /** The connection ended; with `reconnect`, a new attempt follows unless the client was closed. */
      readonly type: 'closed';
      /** Why the session ended: its stop reason (an error when the connection was lost or the bind refused). */
      readonly reason: unknown;
    }
  | {
      /** A reconnect attempt failed; the next one follows after `delay` ms. */
      readonly type: 'reconnecting';
      /** How many attempts in a row have failed, from 1 (reset by a successful bind). */
      readonly attempt: number;
      /** The wait before the next attempt (ms, runtime clock). */
      readonly delay: number;
      /** Why the connection attempt failed (refused, timed out, TLS handshake…). */
      readonly error: Error;
    };
