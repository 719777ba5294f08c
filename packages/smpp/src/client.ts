// A promise-style ESME on top of the session process: bind, submit, send long text, unbind. With
// `reconnect`, the session runs under its own supervisor, which reconnects and rebinds after the
// connection drops, backing off between attempts.
import { InitIgnoredError, detach, exited, isAlive, startSupervisor, stop, whichChildren, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import createDebug from 'debug';
import { CommandStatus } from './pdu/command-status.js';
import { createPdu, type PduInit } from './pdu/build.js';
import type { Pdu, PduOf } from './pdu/types.js';
import { splitMessage } from './encoding/split.js';
import { connectEsme } from './esme.js';
import { closeSession, requestPdu, sessionStats } from './session/api.js';
import { CommandStatusError, ConnectAbortedError, SessionClosedError } from './session/errors.js';
import type { Session } from './session/session.js';
import type { SessionStats } from './session/messages.js';
import { bindPdu, type BindParams } from './bind-params.js';
import { PendingDeliveries, type ClientState } from './client-deliveries.js';
import type { SmppClientOptions } from './client-options.js';
import { ClientSession } from './client-session.js';
import { PartialSendError, type AcceptedPart, type RefusedPart, type TextMessage, type TextPartOutcome } from './text-message.js';

const log = createDebug('switchboard:smpp:client');

/** How long `close` waits for running onDeliver handlers before it unbinds anyway (ms). */
const CLOSE_WAITS_FOR_DELIVERIES = 10_000;

/** The fields of a submit_sm; destination_addr is required. */
export type SubmitInit = PduInit<'submit_sm'> & {
  /** The recipient's address, at most 20 characters (SMPP v3.4 §5.2.9). */
  readonly destination_addr: string;
};

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

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
