// McSimulator: an SMSC stand-in. It accepts binds for configured credentials, answers submits with
// message ids, sends delivery receipts after a delay, delivers mobile-originated messages, and can
// inject error statuses and throttling. Each connection is a session process of `listenMc`.
// Memory is bounded whatever the traffic: it keeps the last `keepSubmitted` messages and counters,
// and each session holds at most `maxPendingReceipts` receipts not yet due.
import type { TlsOptions } from 'node:tls';
import createDebug from 'debug';
import { self, sendAfter, type Pid, type Runtime } from '@switchboard/actor';
import { CommandStatus } from '../pdu/command-status.js';
import { createPdu, createResponse, type PduInit } from '../pdu/build.js';
import type { Pdu, PduOf } from '../pdu/types.js';
import { MessageState, formatReceipt, type MessageStateName } from '../encoding/receipt.js';
import { listenMc, type McServer } from '../mc.js';
import type { BindGuardOptions } from '../session/bind-guard.js';
import { SubmittedRing } from './submitted-ring.js';
import { sendPdu } from '../session/api.js';
import type { SessionOptions } from '../session/options.js';
import { SessionReturn, type Session } from '../session/session.js';

const log = createDebug('switchboard:smpp:simulator');

/** Options of `McSimulator.start`: where it listens, whom it accepts, and how it answers. */
export interface McSimulatorOptions {
  /** The address to listen on (default `'127.0.0.1'`). */
  readonly host?: string;
  /** Default 0: a free port, read from `simulator.port`. */
  readonly port?: number;
  /** TLS options (node:tls) to accept SMPP over TLS. */
  readonly tls?: TlsOptions;
  /**
   * system_id → password. Without it every bind is accepted (for tests; the `smpp-sim` command
   * never runs that way unless given `--open`).
   */
  readonly credentials?: Readonly<Record<string, string>>;
  /** The system_id the simulator answers binds with. Default 'SMPPSIM'. */
  readonly systemId?: string;
  /** Delay of delivery receipts (ms, runtime clock). Default 1,000. */
  readonly receiptDelay?: number;
  /** The final state receipts report. Default DELIVERED. */
  readonly receiptState?: MessageStateName;
  /** Submits accepted per second per session; more get ESME_RTHROTTLED. Default unlimited. */
  readonly throttle?: number;
  /** Most connections at once; more are closed on arrival. Default 1,000 (as `listenMc`). */
  readonly maxConnections?: number;
  /** Session options of every connection (timers, window, etc.). */
  readonly options?: SessionOptions;
  /** How many accepted messages `submitted` keeps (the most recent). Default 1,000. */
  readonly keepSubmitted?: number;
  /**
   * Receipts one session may have scheduled and not yet sent; a submit asking for a receipt
   * beyond it is answered ESME_RTHROTTLED. Default 10,000.
   */
  readonly maxPendingReceipts?: number;
  /** Delays and lockouts of failed binds (see `listenMc`'s `bindFailures`). Default on; `false` turns it off. */
  readonly bindFailures?: BindGuardOptions | false;
  /**
   * Most sessions bound at once per system_id, as an operator grants a fixed number of binds per
   * account; a bind beyond it is answered ESME_RBINDFAIL (counted in `bindsRefused`) until one of
   * them unbinds or its connection ends. Default unlimited.
   */
  readonly maxBinds?: number;
}

/** The simulator's counters since it started. */
export interface SimulatorStats {
  /** Messages accepted (submit_sm, data_sm, submit_multi), including those `submitted` no longer keeps. */
  readonly submitted: number;
  /** Submits answered with an injected fault. */
  readonly faulted: number;
  /** Submits answered ESME_RTHROTTLED because the session had too many receipts pending. */
  readonly throttled: number;
  /** Delivery receipts sent to a bound receiver. */
  readonly receiptsSent: number;
  /** Delivery receipts dropped: no receiver bound as the submitter's system_id, or its session could not send them (its queue full: `maxQueued`). */
  readonly receiptsDropped: number;
  /** Binds refused (wrong password, unknown system_id). */
  readonly bindsRefused: number;
}

/** A message the simulator accepted. */
export interface SubmittedMessage {
  /** The message_id the simulator answered with (and that its receipt carries). */
  readonly messageId: string;
  /** The system_id of the session that submitted it. */
  readonly systemId: string;
  /** The session process that received it (the `pid` of its entry in `bound`): tells binds of one account apart. */
  readonly session: Pid;
  /** The submit_sm, data_sm or submit_multi as received. */
  readonly pdu: Pdu;
}

/** An error the simulator answers the next `count` submits with. */
export interface InjectedFault {
  /** The command_status to answer with, e.g. `CommandStatus.ESME_RSYSERR`. */
  readonly status: number;
  /** How many submits get it (default 1); faults queue up one after the other. */
  readonly count?: number;
}

/** How a session is bound to the simulator, from its bind command. */
export type BoundMode = 'transmitter' | 'receiver' | 'transceiver';

interface SimSession {
  readonly pid: Pid;
  readonly systemId: string;
  readonly mode: BoundMode;
}

interface SimState {
  readonly core: SimulatorCore;
  systemId: string | undefined;
  /** Receipts scheduled by this session and not yet due. */
  pendingReceipts: number;
}

class ReceiptDue {
  constructor(readonly receipt: PduOf<'deliver_sm'>) {}
}

/** The shared part of the simulator: credentials, ids, faults, and who is bound. */
class SimulatorCore {
  readonly submitted: SubmittedRing;
  readonly bound = new Set<SimSession>();
  private nextId = 1;
  readonly faults: { status: number; left: number }[] = [];
  readonly maxPendingReceipts: number;
  readonly counters = { submitted: 0, faulted: 0, throttled: 0, receiptsSent: 0, receiptsDropped: 0, bindsRefused: 0 };

  constructor(readonly options: McSimulatorOptions) {
    this.submitted = new SubmittedRing(options.keepSubmitted ?? 1000);
    this.maxPendingReceipts = options.maxPendingReceipts ?? 10_000;
    if (!(Number.isInteger(this.maxPendingReceipts) && this.maxPendingReceipts >= 0)) throw new RangeError(`maxPendingReceipts must be a whole number, got ${String(options.maxPendingReceipts)}`);
    const maxBinds = options.maxBinds;
    if (maxBinds !== undefined && !(Number.isInteger(maxBinds) && maxBinds >= 1)) throw new RangeError(`maxBinds must be a whole number of at least 1, got ${String(maxBinds)}`);
  }

  /** Whether `systemId` has as many sessions bound as `maxBinds` allows. */
  bindsFull(systemId: string): boolean {
    const most = this.options.maxBinds;
    if (most === undefined) return false;
    let n = 0;
    for (const session of this.bound) if (session.systemId === systemId) n++;
    return n >= most;
  }

  messageId(): string {
    return (this.nextId++).toString(16).padStart(8, '0');
  }

  /** Whether the simulator issued `messageId` (ids are a counter in hex: no table to search). */
  issued(messageId: string): boolean {
    if (!/^[0-9a-f]{8,}$/.test(messageId)) return false;
    const n = parseInt(messageId, 16);
    return n >= 1 && n < this.nextId;
  }

  accept(message: SubmittedMessage): void {
    this.counters.submitted++;
    this.submitted.push(message);
  }

  faultStatus(): number | undefined {
    const fault = this.faults[0];
    if (fault === undefined) return undefined;
    if (--fault.left <= 0) this.faults.shift();
    return fault.status;
  }

  /** A session of `systemId` that can receive deliver_sm, preferring `preferred`. */
  receiver(systemId: string, preferred?: Pid): Pid | undefined {
    let found: Pid | undefined;
    for (const session of this.bound) {
      if (session.systemId !== systemId || session.mode === 'transmitter') continue;
      if (session.pid === preferred) return preferred;
      found ??= session.pid;
    }
    return found;
  }
}

const MODE_OF: Record<string, BoundMode> = { bind_transmitter: 'transmitter', bind_receiver: 'receiver', bind_transceiver: 'transceiver' };

function receiptFor(core: SimulatorCore, submit: PduOf<'submit_sm'> | PduOf<'data_sm'>, messageId: string, submitted: Date): PduOf<'deliver_sm'> {
  const state = core.options.receiptState ?? 'DELIVERED';
  const text = submit.command === 'submit_sm' ? submit.short_message.toString('latin1') : '';
  return createPdu('deliver_sm', {
    source_addr_ton: submit.dest_addr_ton,
    source_addr_npi: submit.dest_addr_npi,
    source_addr: submit.destination_addr,
    dest_addr_ton: submit.source_addr_ton,
    dest_addr_npi: submit.source_addr_npi,
    destination_addr: submit.source_addr,
    esm_class: 0x04,
    short_message: Buffer.from(formatReceipt({ id: messageId, state, submitDate: submitted, doneDate: new Date(), text }), 'latin1'),
    tlvs: { receipted_message_id: messageId, message_state: MessageState[state] },
  });
}

const SimulatorSession: Session<SimState, SimulatorCore> = {
  init: (core) => SessionReturn.init({ core, systemId: undefined, pendingReceipts: 0 }),

  handlePdu(pdu, state) {
    const core = state.core;
    const mode = MODE_OF[pdu.command];
    if (mode !== undefined && (pdu.command === 'bind_transmitter' || pdu.command === 'bind_receiver' || pdu.command === 'bind_transceiver')) {
      const expected = core.options.credentials?.[pdu.system_id];
      const known = core.options.credentials === undefined || expected !== undefined;
      const credentialsStatus = !known ? CommandStatus.ESME_RINVSYSID : core.options.credentials !== undefined && expected !== pdu.password ? CommandStatus.ESME_RINVPASWD : CommandStatus.ESME_ROK;
      // the account's binds are all taken (an operator's limit): refused until one ends
      const status = credentialsStatus === CommandStatus.ESME_ROK && core.bindsFull(pdu.system_id) ? CommandStatus.ESME_RBINDFAIL : credentialsStatus;
      if (status === CommandStatus.ESME_ROK) {
        state.systemId = pdu.system_id;
        core.bound.add({ pid: self(), systemId: pdu.system_id, mode });
      } else core.counters.bindsRefused++;
      log('bind %s as %s: status %d', pdu.system_id, mode, status);
      return SessionReturn.ok(state, [createResponse(pdu, { system_id: core.options.systemId ?? 'SMPPSIM', command_status: status }) as Pdu]);
    }
    if (pdu.command === 'submit_sm' || pdu.command === 'data_sm') {
      const fault = core.faultStatus();
      if (fault !== undefined) {
        core.counters.faulted++;
        return SessionReturn.ok(state, [createResponse(pdu as never, { command_status: fault } as never) as Pdu]);
      }
      const wantsReceipt = (pdu.registered_delivery & 0x03) !== 0;
      if (wantsReceipt && state.pendingReceipts >= core.maxPendingReceipts) {
        // Bounded: a peer submitting faster than receipts can go out is throttled, not buffered.
        core.counters.throttled++;
        return SessionReturn.ok(state, [createResponse(pdu as never, { command_status: CommandStatus.ESME_RTHROTTLED } as never) as Pdu]);
      }
      const messageId = core.messageId();
      core.accept({ messageId, systemId: state.systemId ?? '', session: self(), pdu });
      if (wantsReceipt) {
        state.pendingReceipts++;
        sendAfter(self() as Pid<{ info: ReceiptDue }>, new ReceiptDue(receiptFor(core, pdu, messageId, new Date())), core.options.receiptDelay ?? 1000);
      }
      return SessionReturn.ok(state, [createResponse(pdu as never, { message_id: messageId } as never) as Pdu]);
    }
    if (pdu.command === 'submit_multi') {
      const messageId = core.messageId();
      core.accept({ messageId, systemId: state.systemId ?? '', session: self(), pdu });
      return SessionReturn.ok(state, [createResponse(pdu, { message_id: messageId })]);
    }
    if (pdu.command === 'query_sm') {
      const known = core.issued(pdu.message_id);
      const answer = known
        ? createResponse(pdu, { message_id: pdu.message_id, message_state: MessageState[core.options.receiptState ?? 'DELIVERED'] })
        : createResponse(pdu, { message_id: pdu.message_id, command_status: CommandStatus.ESME_RINVMSGID });
      return SessionReturn.ok(state, [answer]);
    }
    // cancel_sm, replace_sm and the rest: accepted; responses (deliver_sm_resp…) need no answer
    const answer = pdu.command.endsWith('_resp') || pdu.command === 'generic_nack' || pdu.command === 'alert_notification' ? [] : [createResponse(pdu as never) as Pdu];
    return SessionReturn.ok(state, answer);
  },

  handleInfo(message, state) {
    if (!(message instanceof ReceiptDue)) return SessionReturn.ok(state);
    state.pendingReceipts--;
    const target = state.systemId === undefined ? undefined : state.core.receiver(state.systemId, self());
    if (target === undefined) {
      state.core.counters.receiptsDropped++;
      log('receipt for %s dropped: no receiver bound as %s', message.receipt.tlvs.receipted_message_id, state.systemId);
      return SessionReturn.ok(state);
    }
    state.core.counters.receiptsSent++;
    if (target === self()) return SessionReturn.ok(state, [message.receipt]);
    sendPdu(target, message.receipt);
    return SessionReturn.ok(state);
  },

  handleSendPduResult(pdu, result, state) {
    // a receipt the receiver's session could not send (its queue full, the connection gone) was
    // counted as sent when it was handed over: it was dropped
    if (!result.ok && pdu.command === 'deliver_sm' && (pdu.esm_class & 0x04) !== 0) {
      state.core.counters.receiptsSent--;
      state.core.counters.receiptsDropped++;
      log('receipt for %s dropped: %s', pdu.tlvs?.receipted_message_id, result.error instanceof Error ? result.error.message : String(result.error));
    }
    return state;
  },

  terminate(_reason, _lost, state) {
    for (const session of state.core.bound) if (session.pid === self()) state.core.bound.delete(session);
  },
};

/**
 * An SMSC stand-in for tests and development.
 *
 * @example
 * const sim = await McSimulator.start(runtime, { port: 2775, credentials: { esme01: 'secret' }, receiptDelay: 500 });
 * sim.inject({ status: CommandStatus.ESME_RSYSERR, count: 3 }); // the next three submits fail
 */
export class McSimulator {
  private constructor(
    private readonly core: SimulatorCore,
    private readonly server: McServer,
  ) {}

  /** Starts listening on `runtime`; resolves once ESMEs can connect (read the port from `port`). */
  static async start(runtime: Runtime, options: McSimulatorOptions = {}): Promise<McSimulator> {
    const core = new SimulatorCore(options);
    const sessionOptions: SessionOptions = { ...options.options, ...(options.throttle === undefined ? {} : { incomingThrottle: options.throttle }) };
    const bindFailures = options.bindFailures === undefined ? {} : { bindFailures: options.bindFailures };
    const server = await listenMc(runtime, {
      ...(options.host === undefined ? {} : { host: options.host }),
      port: options.port ?? 0,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      session: SimulatorSession as Session<unknown, SimulatorCore>,
      args: core,
      options: sessionOptions,
      ...bindFailures,
    });
    return new McSimulator(core, server);
  }

  /** The port it listens on (the one picked, when `port` was 0). */
  get port(): number {
    return this.server.port;
  }

  /**
   * The most recent messages accepted (at most `keepSubmitted`, default 1,000), oldest first. A
   * fresh array each time: read it once, not in a loop. The total is `stats.submitted`.
   */
  get submitted(): readonly SubmittedMessage[] {
    return this.core.submitted.toArray();
  }

  /** Counters since the simulator started. */
  get stats(): SimulatorStats {
    return { ...this.core.counters };
  }

  /** Sessions bound now, by system_id and mode. */
  get bound(): readonly {
    /** The system_id it bound as. */
    readonly systemId: string;
    /** Transmitter, receiver or transceiver. */
    readonly mode: BoundMode;
    /** Its session process. */
    readonly pid: Pid;
  }[] {
    return [...this.core.bound];
  }

  /** Answers the next `count` (default 1) submit_sm / data_sm with `status`. */
  inject(fault: InjectedFault): void {
    this.core.faults.push({ status: fault.status, left: fault.count ?? 1 });
  }

  /**
   * Sends a mobile-originated deliver_sm to a session bound as `systemId` (receiver or
   * transceiver). False when none is bound.
   */
  deliver(systemId: string, init: PduInit<'deliver_sm'>): boolean {
    const target = this.core.receiver(systemId);
    if (target === undefined) return false;
    sendPdu(target, createPdu('deliver_sm', init));
    return true;
  }

  /** Unbinds every session, then stops listening. */
  close(options?: { timeout?: number }): Promise<void> {
    return this.server.close(options);
  }
}
