// The SMSC side: a pool of transceiver binds. Each bind is a process of the gateway's tree that
// owns one SmppClient (which reconnects and rebinds by itself); messages go round-robin to the
// binds that are up.
import createDebug from 'debug';
import { Result, trapExit, type GenServer, type Runtime } from '@switchboard/actor';
import { BindStateError, PartialSendError, SmppClient, type DeliverHandler, type PduOf, type TextMessage } from '@switchboard/smpp';

const log = createDebug('switchboard:gateway:smpp');

export interface BindTarget {
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly window: number;
  /** submit_sm per second, 0 for no limit. */
  readonly throughput: number;
}

interface Member {
  client: SmppClient | null;
  bound: boolean;
}

export class SmppPool {
  private next = 0;
  private readonly members: Member[];
  /** Message counters, for the status page. */
  readonly counters = {
    /** MESSAGEs handed to a bind. */
    submitted: 0,
    /** Of those, every part accepted by the SMSC. */
    accepted: 0,
    /** Of those, refused or lost (at least one part). */
    refused: 0,
    /** Of the refused, those with some parts accepted: the recipient may have part of the text. */
    partlyAccepted: 0,
    /** Mobile-originated texts (deliver_sm) delivered to a SIP user as MESSAGEs. */
    moDelivered: 0,
    /** Delivery notifications (IMDNs made from the SMSC's receipts) delivered to the sender. */
    notificationsDelivered: 0,
  };

  constructor(
    size: number,
    /** Requests from the SMSC (deliver_sm…): the command_status to answer. */
    readonly onDeliver: DeliverHandler,
    /** A bind came up (at start or after a reconnect). */
    readonly onBound: () => void,
  ) {
    this.members = Array.from({ length: size }, () => ({ client: null, bound: false }));
  }

  get size(): number {
    return this.members.length;
  }

  get boundCount(): number {
    return this.members.filter((m) => m.bound).length;
  }

  /** @internal a bind process's client came up, or (null) went away */
  attach(index: number, client: SmppClient | null): void {
    const member = this.members[index]!;
    member.client = client;
    if (client === null) member.bound = false;
    // The bind may have come up before connect resolved: what waited for it can go now.
    else if (member.bound) this.onBound();
  }

  /** @internal */
  setBound(index: number, bound: boolean): void {
    this.members[index]!.bound = bound;
    if (bound) this.onBound();
  }

  /**
   * Sends a text (split as needed) on the next bound member; rejects as `SmppClient.sendText` does
   * (`PartialSendError` when only some parts were accepted), or with BindStateError when none is bound.
   */
  async sendText(message: TextMessage): Promise<PduOf<'submit_sm_resp'>[]> {
    const n = this.members.length;
    for (let i = 0; i < n; i++) {
      const member = this.members[(this.next + i) % n]!;
      if (!member.bound || member.client === null) continue;
      this.next = (this.next + i + 1) % n;
      this.counters.submitted++;
      try {
        const responses = await member.client.sendText(message);
        this.counters.accepted++;
        return responses;
      } catch (error) {
        this.counters.refused++;
        if (error instanceof PartialSendError) this.counters.partlyAccepted++;
        throw error;
      }
    }
    throw new BindStateError('submit_sm', 'CLOSED');
  }

  /** Each bind's state and window occupancy (a bind that is down reports CLOSED). */
  async bindStats(): Promise<{ bound: boolean; bindState: string; inFlight: number; window: number }[]> {
    return Promise.all(
      this.members.map(async (m) => {
        if (m.client === null) return { bound: false, bindState: 'CLOSED', inFlight: 0, window: 0 };
        try {
          const stats = await m.client.stats();
          return { bound: m.bound, bindState: stats.bindState, inFlight: stats.inFlight, window: stats.window };
        } catch {
          return { bound: false, bindState: 'CLOSED', inFlight: 0, window: 0 };
        }
      }),
    );
  }
}

export interface BindArgs {
  readonly runtime: Runtime;
  readonly pool: SmppPool;
  readonly index: number;
  /** Where to bind, read at each start (the embedded simulator's port is known only once it runs). */
  readonly target: () => BindTarget;
}

/**
 * One bind of the pool as a process: it starts connecting and binding without waiting (an SMSC
 * that is down must not hold up the rest of the gateway: MESSAGEs wait in the outbox), and
 * terminate unbinds. It traps exits, so a shutdown of the tree unbinds cleanly.
 */
export const SmppBind: GenServer<{ readonly args: BindArgs; readonly client: Promise<SmppClient | null>; readonly abort: AbortController }, { call: never; reply: never; cast: never; info: never }, BindArgs> = {
  behaviourName: 'smpp_bind',

  init(args) {
    trapExit(true);
    const target = args.target();
    // SmppClient.connect with reconnect resolves once the first connection is up, after retries;
    // the abort signal ends those retries when this process stops first.
    const abort = new AbortController();
    const client = SmppClient.connect(args.runtime, {
      host: target.host,
      port: target.port,
      bind: { mode: 'transceiver', system_id: target.systemId, password: target.password },
      reconnect: true,
      signal: abort.signal,
      options: { window: target.window, ...(target.throughput > 0 ? { throttle: target.throughput } : {}) },
      onDeliver: args.pool.onDeliver,
      onStatus: (status) => {
        log('bind %d: %s', args.index, status.type);
        args.pool.setBound(args.index, status.type === 'bound');
      },
    }).then(
      (connected) => {
        args.pool.attach(args.index, connected);
        return connected;
      },
      (error: unknown) => {
        if (!abort.signal.aborted) log('bind %d could not start: %O', args.index, error);
        return null;
      },
    );
    return Result.ok({ args, client, abort });
  },

  async terminate(_reason, state) {
    state.args.pool.attach(state.args.index, null);
    // Closes a bound client (it unbinds), and stops one still trying to connect.
    state.abort.abort();
    await (await state.client)?.close();
  },
};
