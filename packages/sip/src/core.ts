// The Core behaviour (Sippet's Sippet.Core): what a user agent, proxy or registrar implements.
// The stack calls it, in one core process, for every request, response and transaction failure.
import createDebug from 'debug';
import { Result, trapExit, self, type Awaitable, type ExitReason, type GenServer, type Pid } from '@switchboard/actor';
import type { SipRequest, SipResponse } from './message/message.js';
import type { ClientTransaction, ServerTransaction } from './transaction/handles.js';
import type { CoreMessage } from './transaction/environment.js';
import { CoreError, CoreRequest, CoreResponse } from './transaction/messages.js';
import type { SipStack } from './stack.js';

const log = createDebug('switchboard:sip:core');

/**
 * A core's callbacks. Each runs in the stack's core process, one at a time; one that returns a
 * promise holds the next until it settles. A callback that throws crashes the core process, and
 * the stack's supervisor starts a new core from the factory.
 *
 * @example
 * const core: CoreFactory = (stack) => ({
 *   receiveRequest(request, transaction) {
 *     transaction?.respond(createResponse(request, request.method === 'OPTIONS' ? 200 : 501));
 *   },
 *   receiveResponse() {},
 *   receiveError() {},
 * });
 */
export interface Core {
  /**
   * A request. `transaction` is its server transaction: answer through it with `respond`. It is
   * `null` for an ACK to a 2xx (no transaction, RFC 3261 §17.2.3 / RFC 6026). For a CANCEL the
   * stack has already answered 200 (§9.2), and `transaction` is the INVITE's server transaction
   * it cancels, to answer 487 through.
   */
  receiveRequest(request: SipRequest, transaction: ServerTransaction | null): Awaitable<void>;
  /**
   * A response to a request this core sent, with its client transaction; `null` for a stray
   * response (no transaction matches: a 2xx retransmitted after the transaction ended, a stateless
   * proxy's responses).
   */
  receiveResponse(response: SipResponse, transaction: ClientTransaction | null): Awaitable<void>;
  /**
   * A transaction ended without its normal outcome: `TransactionTimeoutError` (Timers B, F, H; L
   * for a 2xx never ACKed), `SipTransportError`, or `TransactionAbortedError`.
   */
  receiveError(error: Error, transaction: ServerTransaction | ClientTransaction): Awaitable<void>;
  /** The core process is stopping. */
  terminate?(reason: ExitReason): void;
}

/** Makes the core; called in the core process at start and again after a crash. */
export type CoreFactory = (stack: SipStack) => Core;

export interface CoreArgs {
  readonly factory: CoreFactory;
  readonly stack: SipStack;
  /** Tells the stack where the core now runs. */
  readonly started: (pid: Pid<CoreProtocol>) => void;
}

export type CoreProtocol = { call: never; reply: never; cast: never; info: CoreMessage };

export const CoreProcess: GenServer<Core, CoreProtocol, CoreArgs> = {
  behaviourName: 'sip_core',

  init({ factory, stack, started }) {
    trapExit(true); // so that terminate runs when the stack's supervisor shuts down
    started(self<CoreProtocol>());
    return Result.ok(factory(stack));
  },

  handleInfo(message, core) {
    let pending: Awaitable<void>;
    if (message instanceof CoreRequest) pending = core.receiveRequest(message.request, message.transaction as ServerTransaction | null);
    else if (message instanceof CoreResponse) pending = core.receiveResponse(message.response, message.transaction as ClientTransaction | null);
    else if (message instanceof CoreError) pending = core.receiveError(message.error, message.transaction as ServerTransaction | ClientTransaction);
    else {
      log('core: unexpected message %o', message);
      return Result.noreply(core);
    }
    if (pending !== undefined && typeof (pending as PromiseLike<void>).then === 'function') return Promise.resolve(pending).then(() => Result.noreply(core));
    return Result.noreply(core);
  },

  terminate(reason, core) {
    core.terminate?.(reason);
  },
};
