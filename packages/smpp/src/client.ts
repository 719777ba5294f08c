// A promise-style ESME on top of the session process: bind, submit, send long text, unbind. With
// `reconnect`, the session runs under its own supervisor, which reconnects and rebinds after the
// connection drops, backing off between attempts.
import { InitIgnoredError, exited, isAlive, startSupervisor, stop, whichChildren, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import type { ConnectionOptions } from 'node:tls';
import createDebug from 'debug';
import { CommandStatus } from './pdu/command-status.js';
import { createPdu, createResponse, type PduInit } from './pdu/build.js';
import type { Pdu, PduOf } from './pdu/types.js';
import { splitMessage, type SplitOptions } from './encoding/split.js';
import { connectEsme } from './esme.js';
import { closeSession, requestPdu, sessionStats } from './session/api.js';
import { CommandStatusError, SessionClosedError } from './session/errors.js';
import type { SessionOptions } from './session/options.js';
import { SessionReturn, type Session } from './session/session.js';
import type { SessionStats } from './session/messages.js';

const log = createDebug('switchboard:smpp:client');

export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

export interface BindParams {
  readonly mode: BindMode;
  readonly system_id: string;
  readonly password: string;
  readonly system_type?: string;
  /** Default 0x34 (SMPP 3.4); 0x50 for SMPP 5.0. */
  readonly interface_version?: number;
  readonly addr_ton?: number;
  readonly addr_npi?: number;
  readonly address_range?: string;
}

/** What the MC sent (deliver_sm, data_sm, alert_notification…). Return the command_status to answer (default ESME_ROK). */
export type DeliverHandler = (pdu: Pdu) => number | void | Promise<number | void>;

export interface ReconnectOptions {
  /** First delay before reconnecting (ms, runtime clock). Default 1,000. */
  readonly delay?: number;
  /** Largest delay; it doubles after each failed attempt. Default 30,000. */
  readonly maxDelay?: number;
}

export interface SmppClientOptions {
  readonly host?: string;
  readonly port: number;
  readonly tls?: ConnectionOptions;
  readonly options?: SessionOptions;
  readonly connectTimeout?: number;
  /** Requests from the MC; without it they are answered ESME_ROK. */
  readonly onDeliver?: DeliverHandler;
  /** Bind as soon as connected (and after every reconnect). Required with `reconnect`. */
  readonly bind?: BindParams;
  /** Reconnect and rebind when the connection drops or the bind fails. */
  readonly reconnect?: ReconnectOptions | boolean;
  /** Told when the client binds, and when its connection ends (with the reason). */
  readonly onStatus?: (status: ClientStatus) => void;
}

/** What `onStatus` is told: bound, the connection ended, or a reconnect attempt failed (the next follows after `delay` ms). */
export type ClientStatus =
  | { readonly type: 'bound'; readonly response: Pdu }
  | { readonly type: 'closed'; readonly reason: unknown }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly delay: number; readonly error: Error };

/** The fields of a submit_sm; destination_addr is required. */
export type SubmitInit = PduInit<'submit_sm'> & { readonly destination_addr: string };

export interface TextMessage {
  readonly source?: string;
  readonly destination: string;
  readonly text: string;
  /** 1: ask for a delivery receipt. */
  readonly registered_delivery?: number;
  /** Fields copied into every part (ton/npi, service_type, validity…). */
  readonly fields?: PduInit<'submit_sm'>;
  readonly split?: SplitOptions;
}

interface ClientState {
  readonly handler: DeliverHandler | undefined;
  readonly onBound: (response: Pdu) => void;
  readonly onClosed: (reason: unknown) => void;
}

const BIND_COMMAND = { transmitter: 'bind_transmitter', receiver: 'bind_receiver', transceiver: 'bind_transceiver' } as const;

function bindPdu(params: BindParams): Pdu {
  const { mode, ...fields } = params;
  return createPdu(BIND_COMMAND[mode], { interface_version: 0x34, ...fields }) as Pdu;
}

/** The client's own Session: requests from the MC go to the handler; binds and closes are reported. */
const ClientSession: Session<ClientState, ClientState> = {
  async handlePdu(pdu, state) {
    const answerable = pdu.command !== 'outbind' && pdu.command !== 'alert_notification';
    let status: number = CommandStatus.ESME_ROK;
    if (state.handler !== undefined) {
      try {
        status = (await state.handler(pdu)) ?? CommandStatus.ESME_ROK;
      } catch (error) {
        log('onDeliver threw for %s #%d: %O', pdu.command, pdu.sequence_number, error);
        status = CommandStatus.ESME_RSYSERR;
      }
    }
    if (!answerable) return SessionReturn.ok(state);
    return SessionReturn.ok(state, [createResponse(pdu as never, { command_status: status } as never) as Pdu]);
  },
  handleResp(resp, _original, state) {
    if (resp.command.startsWith('bind_') && resp.command_status === CommandStatus.ESME_ROK) state.onBound(resp);
    return SessionReturn.ok(state);
  },
  terminate(reason, _lost, state) {
    state.onClosed(reason);
  },
};

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
  private readonly wake: { wake?: () => void } = {};

  private constructor(
    private current: Pid | undefined,
    private readonly supervisor: SupervisorPid | undefined,
  ) {}

  /** Connects (and binds, with `bind`); with `reconnect`, resolves once the first connection is up. */
  static async connect(runtime: Runtime, options: SmppClientOptions): Promise<SmppClient> {
    const reconnect = options.reconnect === true ? {} : options.reconnect === false ? undefined : options.reconnect;
    if (reconnect !== undefined && options.bind === undefined) throw new TypeError('reconnect needs bind parameters, to rebind after reconnecting');
    let failedAttempts = 0;
    const state: ClientState = {
      handler: options.onDeliver,
      onBound: (response) => {
        failedAttempts = 0;
        options.onStatus?.({ type: 'bound', response });
      },
      onClosed: (reason) => options.onStatus?.({ type: 'closed', reason }),
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
    if (reconnect === undefined) {
      const pid = await connectEsme(runtime, esme);
      return new SmppClient(pid, undefined);
    }

    const first = Math.max(1, reconnect.delay ?? 1000);
    const maxDelay = Math.max(first, reconnect.maxDelay ?? 30_000);
    let client: SmppClient | undefined;
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
              if (client?.closing) throw new InitIgnoredError();
              if (failedAttempts > 0) await delay(runtime, backoff(), client?.wake ?? {});
              if (client?.closing) throw new InitIgnoredError();
              failedAttempts++; // reset by a successful bind
              try {
                const pid = await connectEsme(runtime, { ...esme, link: parent });
                if (client !== undefined) client.current = pid;
                return pid;
              } catch (error) {
                log('connect to %s:%d failed (attempt %d): %s', options.host ?? '127.0.0.1', options.port, failedAttempts, (error as Error).message);
                options.onStatus?.({ type: 'reconnecting', attempt: failedAttempts, delay: backoff(), error: error as Error });
              }
            }
          },
        },
      ],
    });
    const [child] = await whichChildren(supervisor);
    client = new SmppClient(child?.pid ?? undefined, supervisor);
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
   * by `split.mode`), in the smallest encoding; resolves with every part's response, in order.
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
    return Promise.all(parts.map(async (pdu) => (await this.request(pdu)) as PduOf<'submit_sm_resp'>));
  }

  /** The session's bind state and window occupancy. */
  async stats(): Promise<SessionStats> {
    return sessionStats(await this.session());
  }

  /** Unbinds and closes the connection (no reconnect follows); resolves once the session has ended. */
  async unbind(): Promise<void> {
    this.closing = true;
    this.wake.wake?.();
    const pid = this.current;
    if (pid !== undefined && isAlive(pid)) {
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
