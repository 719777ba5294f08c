// The SMPP side: a pool of transceiver binds, each an SmppClient reconnecting and rebinding under
// its own supervisor; messages go round-robin to the binds that are up.
import type { Runtime } from '@switchboard/actor';
import { BindStateError, SmppClient, type DeliverHandler, type PduOf, type TextMessage } from '@switchboard/smpp';
import createDebug from 'debug';

const log = createDebug('switchboard:gateway:smpp');

export interface PoolOptions {
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly binds: number;
  readonly window: number;
  readonly onDeliver: DeliverHandler;
  /** A member bound (at start or after a reconnect). */
  readonly onBound?: () => void;
}

interface Member {
  readonly client: SmppClient;
  bound: boolean;
}

export class SmppPool {
  private next = 0;
  /** Messages submitted and their outcomes, for the status page. */
  readonly counters = { submitted: 0, accepted: 0, refused: 0, delivered: 0 };

  private constructor(private readonly members: Member[]) {}

  static async start(runtime: Runtime, options: PoolOptions): Promise<SmppPool> {
    const members: Member[] = [];
    for (let i = 0; i < options.binds; i++) {
      const member = { bound: false } as Member & { client: SmppClient };
      member.client = await SmppClient.connect(runtime, {
        host: options.host,
        port: options.port,
        bind: { mode: 'transceiver', system_id: options.systemId, password: options.password },
        reconnect: true,
        options: { window: options.window },
        onDeliver: options.onDeliver,
        onStatus: (status) => {
          member.bound = status.type === 'bound';
          log('bind %d: %s', i, status.type);
          if (member.bound) options.onBound?.();
        },
      });
      members.push(member);
    }
    return new SmppPool(members);
  }

  get boundCount(): number {
    return this.members.filter((m) => m.bound).length;
  }

  /** Sends a text (split as needed) on the next bound member; rejects with BindStateError when none is bound. */
  async sendText(message: TextMessage): Promise<PduOf<'submit_sm_resp'>[]> {
    const n = this.members.length;
    for (let i = 0; i < n; i++) {
      const member = this.members[(this.next + i) % n]!;
      if (!member.bound) continue;
      this.next = (this.next + i + 1) % n;
      this.counters.submitted++;
      try {
        const responses = await member.client.sendText(message);
        this.counters.accepted++;
        return responses;
      } catch (error) {
        this.counters.refused++;
        throw error;
      }
    }
    throw new BindStateError('submit_sm', 'CLOSED');
  }

  /** Each bind's state and window occupancy (a bind that is down reports CLOSED). */
  async bindStats(): Promise<{ bound: boolean; bindState: string; inFlight: number; window: number }[]> {
    return Promise.all(
      this.members.map(async (m) => {
        try {
          const stats = await m.client.stats();
          return { bound: m.bound, bindState: stats.bindState, inFlight: stats.inFlight, window: stats.window };
        } catch {
          return { bound: false, bindState: 'CLOSED', inFlight: 0, window: 0 };
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.client.close()));
  }
}
