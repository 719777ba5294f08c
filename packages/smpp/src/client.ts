// A promise-style ESME on top of the session process: bind, submit, send long text, unbind. With
// `reconnect`, the session runs under its own supervisor, which reconnects and rebinds after the
// connection drops, backing off between attempts.
import { InitIgnoredError, detach, exited, isAlive, self, startSupervisor, stop, whichChildren, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import type { ConnectionOptions } from 'node:tls';
import createDebug from 'debug';
import { CommandStatus } from './pdu/command-status.js';
import { createPdu, type PduInit } from './pdu/build.js';
import type { Pdu, PduOf } from './pdu/types.js';
import { splitMessage, type SplitOptions } from './encoding/split.js';
import { connectEsme } from './esme.js';
import { closeSession, requestPdu, sessionStats } from './session/api.js';
import { CommandStatusError, ConnectAbortedError, SessionClosedError } from './session/errors.js';
import type { SessionOptions } from './session/options.js';
import { SessionReturn, type Session } from './session/session.js';
import type { SessionStats } from './session/messages.js';
import { FLUSH_READY, MAX_PENDING_DELIVERIES, PendingDeliveries, deliver, type ClientState } from './client-deliveries.js';

const log = createDebug('switchboard:smpp:client');

/**
 * Which bind to send, so the MC knows which way messages may flow: `transmitter` only submits,
 * `receiver` only takes deliveries, `transceiver` does both (SMPP v3.4 §4.1.1, §4.1.3, §4.1.5).
 */
export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

/**
 * The fields of a bind request: who the ESME is, how it authenticates and which addresses it
 * serves (SMPP v3.4 §4.1.1). Unset optional fields go out empty or 0, as the spec's defaults.
 */
export interface BindParams {
  /** Which bind PDU to send: bind_transmitter, bind_receiver or bind_transceiver. */
  readonly mode: BindMode;
  /** The ESME's identity at the MC, at most 15 characters (SMPP v3.4 §5.2.1). */
  readonly system_id: string;
  /** The password the MC checks with `system_id`, at most 8 characters (SMPP v3.4 §5.2.2). */
  readonly password: string;
  /** The kind of ESME, e.g. `VMS`, when the MC asks for one; default empty (SMPP v3.4 §5.2.3). */
  readonly system_type?: string;
  /** Default 0x34 (SMPP 3.4); 0x50 for SMPP 5.0. */
  readonly interface_version?: number;
  /** Type of number of the addresses in `address_range`; default 0, unknown (SMPP v3.4 §5.2.5). */
  readonly addr_ton?: number;
  /** Numbering plan of the addresses in `address_range`; default 0, unknown (SMPP v3.4 §5.2.6). */
  readonly addr_npi?: number;
  /**
   * The addresses this ESME serves, as a regular expression (SMPP v3.4 §5.2.7), so a receiver
   * gets only their deliveries; default empty (the MC decides).
   */
  readonly address_range?: string;
}

/**
 * What the MC sent (deliver_sm, data_sm, alert_notification…). Return the command_status to answer
 * (default ESME_ROK). A handler that returns a promise does not hold up the frames behind its PDU
 * (the submit_sm_resp its own submits wait for, say): up to {@link MAX_PENDING_DELIVERIES} run at
 * once, each answered when it settles (responses may go out of order: SMPP v3.4 §2.6 matches them by
 * sequence_number); past that, reading waits until one ends. Handlers run detached from the session
 * process (their work outlives it). `close` and `unbind` wait for the running ones, so their
 * responses go out before the unbind; an unbind from the MC is answered at once, and a response
 * owed then is lost with the session (the MC delivers that request again).
 */
export type DeliverHandler = (pdu: Pdu) => number | void | Promise<number | void>;

/** How long `close` waits for running onDeliver handlers before it unbinds anyway (ms). */
const CLOSE_WAITS_FOR_DELIVERIES = 10_000;


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

/** The fields of a submit_sm; destination_addr is required. */
export type SubmitInit = PduInit<'submit_sm'> & {
  /** The recipient's address, at most 20 characters (SMPP v3.4 §5.2.9). */
  readonly destination_addr: string;
};

/**
 * A text for `sendText`, which splits and encodes it: the caller gives addresses and text, not
 * PDU fields (those it wants set go in `fields`).
 */
export interface TextMessage {
  /** The sender's address (source_addr); default empty, for the MC to fill in. */
  readonly source?: string;
  /** The recipient's address (destination_addr of every part). */
  readonly destination: string;
  /** The text, any Unicode: sent in the smallest encoding it fits (GSM 7-bit, else UCS-2; see `split`). */
  readonly text: string;
  /** 1: ask for a delivery receipt. */
  readonly registered_delivery?: number;
  /** Fields copied into every part (ton/npi, service_type, validity…). */
  readonly fields?: PduInit<'submit_sm'>;
  /** How to split and encode: concatenation mode (UDH, SAR or message_payload), reference, encoding. */
  readonly split?: SplitOptions;
}

/** A part of a `sendText` that the MC accepted: its `submit_sm_resp` carries the part's message_id. */
export interface AcceptedPart {
  /** Always true: tells an accepted part from a refused one. */
  readonly ok: true;
  /** The part's place in the message, from 0. */
  readonly index: number;
  /** The MC's submit_sm_resp for the part; its message_id names the part in receipts. */
  readonly response: PduOf<'submit_sm_resp'>;
}

/** A part of a `sendText` that was refused or lost: `CommandStatusError`, `ResponseTimeoutError`, `SessionClosedError`… */
export interface RefusedPart {
  /** Always false: tells a refused part from an accepted one. */
  readonly ok: false;
  /** The part's place in the message, from 0. */
  readonly index: number;
  /** Why the part was not sent: the MC's refusal, a timeout or a lost connection. */
  readonly error: Error;
}

/** What became of one part of a `sendText`. */
export type TextPartOutcome = AcceptedPart | RefusedPart;

/**
 * `sendText` got some parts accepted and others refused or lost: the recipient may get part of the
 * text. Nothing is dropped: every part's outcome is here, in part order.
 */
export class PartialSendError extends Error {
  /** A stable code to test for, whatever the message says. */
  readonly code = 'ERR_SMPP_PARTIAL_SEND';
  /** The accepted parts' message_ids, in part order (their receipts will name them). */
  readonly messageIds: readonly string[];
  /** Why the first part that failed (in part order) failed; also the error's `cause`. */
  readonly firstError: Error;

  /** Made by `sendText` from every part's outcome; the message counts the parts not sent. */
  constructor(
    /** Every part's outcome, in part order. */
    readonly parts: readonly TextPartOutcome[],
  ) {
    const refused = parts.filter((p): p is RefusedPart => !p.ok);
    const firstError = refused[0]?.error ?? new Error('no part failed');
    super(`${refused.length} of ${parts.length} parts not sent (part ${(refused[0]?.index ?? 0) + 1}: ${firstError.message})`, { cause: firstError });
    this.name = 'PartialSendError';
    this.firstError = firstError;
    this.messageIds = parts.filter((p): p is AcceptedPart => p.ok).map((p) => p.response.message_id);
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

const BIND_COMMAND = { transmitter: 'bind_transmitter', receiver: 'bind_receiver', transceiver: 'bind_transceiver' } as const;

function bindPdu(params: BindParams): Pdu {
  const { mode, ...fields } = params;
  return createPdu(BIND_COMMAND[mode], { interface_version: 0x34, ...fields }) as Pdu;
}

/** The client's own Session: requests from the MC go to the handler; binds and closes are reported. */
const ClientSession: Session<ClientState, ClientState> = {
  handlePdu(pdu, state) {
    // At the cap, reading waits (the session awaits this) until a running handler ends; the
    // responses of those that end meanwhile go out as soon as it goes on.
    if (state.handler !== undefined && state.deliveries.pending >= MAX_PENDING_DELIVERIES) return state.deliveries.slot().then(() => deliver(pdu, state));
    return deliver(pdu, state);
  },
  handleCast(message, state) {
    if (message === FLUSH_READY) return SessionReturn.ok(state, state.deliveries.takeReady(self()));
    return SessionReturn.ok(state);
  },
  handleResp(resp, _original, state) {
    if (resp.command.startsWith('bind_') && resp.command_status === CommandStatus.ESME_ROK) state.onBound(resp);
    return SessionReturn.ok(state);
  },
  terminate(reason, _lost, state) {
    state.onClosed(reason);
  },
};

/** Whether `signal` has aborted (a function, so that the checker reads it anew after an await). */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Closes `client` when `signal` aborts (a close that fails has nobody to tell: it is logged). */
function abortWith(signal: AbortSignal, client: SmppClient): void {
  signal.addEventListener('abort', () => client.close().catch((error: unknown) => log('close on abort failed: %s', (error as Error).message)), { once: true });
}

function delay(runtime: Runtime, ms: number, cancelled: { wake?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    const handle = runtime.clock.setTimeout(resolve, ms);
    cancelled.wake = () => {
      runtime.clock.clearTimeout(handle);
      resolve();
    };
  });
}

/**
 * An ESME with a promise API.
 *
 * @example
 * const client = await SmppClient.connect(runtime, { port: 2775 });
 * await client.bind({ mode: 'transceiver', system_id: 'esme01', password: 'secret' });
 * const resp = await client.submit({ destination_addr: '447700900123', short_message: Buffer.from('hi') });
 * await client.unbind();
 */
export class SmppClient {
  private closing = false;
  private unbinding: Promise<void> | undefined;

  private constructor(
    private current: Pid | undefined,
    private readonly supervisor: SupervisorPid | undefined,
    /** Wakes a reconnect loop waiting out its backoff (shared with `connect`'s loop). */
    private readonly wake: { wake?: () => void } = {},
    /** Handlers still running: close waits for them, so their responses go out before the unbind. */
    private readonly deliveries: PendingDeliveries = new PendingDeliveries(),
  ) {}

  /** Connects (and binds, with `bind`); with `reconnect`, resolves once the first connection is up. */
  static async connect(runtime: Runtime, options: SmppClientOptions): Promise<SmppClient> {
    const reconnect = options.reconnect === true ? {} : options.reconnect === false ? undefined : options.reconnect;
    if (reconnect !== undefined && options.bind === undefined) throw new TypeError('reconnect needs bind parameters, to rebind after reconnecting');
    let failedAttempts = 0;
    const state: ClientState = {
      handler: options.onDeliver,
      deliveries: new PendingDeliveries(),
      // onStatus is the application's code, not the session's: it runs detached from the session
      // process, so what it starts (an outbox flush, say) is not ended by that session's exit.
      onBound: (response) => {
        failedAttempts = 0;
        detach(() => options.onStatus?.({ type: 'bound', response }));
      },
      onClosed: (reason) => detach(() => options.onStatus?.({ type: 'closed', reason })),
    };
    const esme = {
      ...(options.host === undefined ? {} : { host: options.host }),
      port: options.port,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.connectTimeout === undefined ? {} : { connectTimeout: options.connectTimeout }),
      ...(options.bind === undefined ? {} : { bind: bindPdu(options.bind) }),
      session: ClientSession as Session<unknown, ClientState>,
      args: state,
      options: options.options ?? {},
    };
    const signal = options.signal;
    if (signal?.aborted === true) throw new ConnectAbortedError(signal.reason);
    if (reconnect === undefined) {
      const pid = await connectEsme(runtime, esme);
      const connected = new SmppClient(pid, undefined, {}, state.deliveries);
      if (aborted(signal)) {
        await connected.close();
        throw new ConnectAbortedError(signal?.reason);
      }
      if (signal !== undefined) abortWith(signal, connected);
      return connected;
    }

    const first = Math.max(1, reconnect.delay ?? 1000);
    const maxDelay = Math.max(first, reconnect.maxDelay ?? 30_000);
    let client: SmppClient | undefined;
    const wake: { wake?: () => void } = {};
    const stopped = (): boolean => client?.closing === true || signal?.aborted === true;
    const onAbort = (): void => wake.wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    const backoff = (): number => Math.min(maxDelay, first * 2 ** Math.max(0, failedAttempts - 1));
    const supervisor = await startSupervisor(runtime, {
      strategy: 'one_for_one',
      // reconnecting is bounded by the backoff, not by giving up
      intensity: Number.MAX_SAFE_INTEGER,
      period: 1,
      children: [
        {
          id: 'esme',
          restart: 'permanent',
          shutdown: 5000,
          start: async ({ supervisor: parent }) => {
            for (;;) {
              if (stopped()) throw new InitIgnoredError();
              if (failedAttempts > 0) await delay(runtime, backoff(), wake);
              if (stopped()) throw new InitIgnoredError();
              failedAttempts++; // reset by a successful bind
              try {
                const pid = await connectEsme(runtime, { ...esme, link: parent });
                if (client !== undefined) client.current = pid;
                return pid;
              } catch (error) {
                log('connect to %s:%d failed (attempt %d): %s', options.host ?? '127.0.0.1', options.port, failedAttempts, (error as Error).message);
                detach(() => options.onStatus?.({ type: 'reconnecting', attempt: failedAttempts, delay: backoff(), error: error as Error }));
              }
            }
          },
        },
      ],
    });
    const [child] = await whichChildren(supervisor);
    client = new SmppClient(child?.pid ?? undefined, supervisor, wake, state.deliveries);
    if (signal !== undefined) {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) {
        await client.close();
        throw new ConnectAbortedError(signal.reason);
      }
      abortWith(signal, client);
    }
    return client;
  }

  /** The session process now serving the client (it changes after a reconnect). */
  get pid(): Pid | undefined {
    return this.current;
  }

  private async session(): Promise<Pid> {
    if (this.current !== undefined && isAlive(this.current)) return this.current;
    if (this.supervisor !== undefined && isAlive(this.supervisor)) {
      const [child] = await whichChildren(this.supervisor);
      if (child?.pid) return (this.current = child.pid);
    }
    throw new SessionClosedError('not connected');
  }

  /** Sends a request and resolves with its response; a non-zero command_status rejects with CommandStatusError. */
  async request(pdu: Pdu): Promise<Pdu> {
    const response = (await requestPdu(await this.session(), pdu as never)) as Pdu;
    if (response.command_status !== CommandStatus.ESME_ROK) throw new CommandStatusError(pdu.command, response.command_status, response);
    return response;
  }

  /** Binds; resolves with the bind response (system_id of the MC), rejects with CommandStatusError. */
  bind(params: BindParams): Promise<Pdu> {
    return this.request(bindPdu(params));
  }

  /** Sends one submit_sm; resolves with the submit_sm_resp (its message_id). */
  async submit(init: SubmitInit): Promise<PduOf<'submit_sm_resp'>> {
    return (await this.request(createPdu('submit_sm', init))) as PduOf<'submit_sm_resp'>;
  }

  /**
   * Sends text, split into as many submit_sm as it needs (UDH by default; SAR or message_payload
   * by `split.mode`), in the smallest encoding. The parts go out together (within the window) and
   * every one is waited for, whatever happens to the others.
   *
   * Return values:
   * - resolves with every part's `submit_sm_resp`, in part order, when all were accepted;
   * - rejects with the first part's error (`CommandStatusError`, `BindStateError`,
   *   `SessionClosedError`…) when no part was accepted: nothing went out, as with `submit`;
   * - rejects with `PartialSendError` when some parts were accepted and others not: its `parts`
   *   hold every part's outcome, `messageIds` the accepted parts' ids (for their receipts), and
   *   `firstError` (also its `cause`) why the first failed part failed;
   * - throws `MessageTooLongError` (before sending) when the text needs more than 255 parts.
   *
   * @example
   * try {
   *   const responses = await client.sendText({ destination: '447700900123', text });
   * } catch (error) {
   *   if (error instanceof PartialSendError) log('sent in part, ids %o', error.messageIds);
   * }
   */
  async sendText(message: TextMessage): Promise<PduOf<'submit_sm_resp'>[]> {
    const split = splitMessage(message.text, message.split);
    const parts = split.parts.map((part) =>
      createPdu('submit_sm', {
        ...message.fields,
        ...(message.source === undefined ? {} : { source_addr: message.source }),
        destination_addr: message.destination,
        registered_delivery: message.registered_delivery ?? message.fields?.registered_delivery ?? 0,
        data_coding: split.data_coding,
        esm_class: (message.fields?.esm_class ?? 0) | (part.udhi ? 0x40 : 0),
        short_message: part.short_message,
        tlvs: { ...message.fields?.tlvs, ...part.tlvs },
      }),
    );
    const settled = await Promise.allSettled(parts.map(async (pdu) => (await this.request(pdu)) as PduOf<'submit_sm_resp'>));
    const outcomes: TextPartOutcome[] = settled.map((result, index) =>
      result.status === 'fulfilled' ? { ok: true, index, response: result.value } : { ok: false, index, error: asError(result.reason) },
    );
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length === 0) return outcomes.map((o) => (o as AcceptedPart).response);
    const first = (failed[0] as RefusedPart).error;
    if (failed.length === outcomes.length) throw first;
    throw new PartialSendError(outcomes);
  }

  /** The session's bind state and window occupancy. */
  async stats(): Promise<SessionStats> {
    return sessionStats(await this.session());
  }

  /** Unbinds and closes the connection (no reconnect follows); resolves once the session has ended. */
  unbind(): Promise<void> {
    // one unbind, however many callers (an abort signal and the owner may both ask)
    return (this.unbinding ??= this.closeNow());
  }

  private async closeNow(): Promise<void> {
    this.closing = true;
    this.wake.wake?.();
    const pid = this.current;
    if (pid !== undefined && isAlive(pid)) {
      // responses owed for requests the handlers are still storing go out before our unbind (a
      // handler that never settles holds the close 10 s at most)
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.deliveries.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAITS_FOR_DELIVERIES)))]);
      clearTimeout(timer);
      closeSession(pid);
      await exited(pid);
    }
    if (this.supervisor !== undefined && isAlive(this.supervisor)) await stop(this.supervisor, 'shutdown');
  }

  /** Same as unbind: a bound client unbinds first. */
  close(): Promise<void> {
    return this.unbind();
  }
}
