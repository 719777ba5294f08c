// The Core behaviour (Sippet's Sippet.Core): what a user agent, proxy or registrar implements.
// The stack calls it, in one core process, for every request, response and transaction failure.
import createDebug from 'debug';
import { Result, trapExit, self, type Awaitable, type ExitReason, type GenServer, type Pid } from '@switchboard/actor';
import { createResponse } from './message/builders.js';
import { SipParseError } from './message/errors.js';
import type { SipRequest, SipResponse } from './message/message.js';
import type { ClientTransaction, ServerTransaction } from './transaction/handles.js';
import type { CoreMessage } from './transaction/environment.js';
import { CoreError, CoreRequest, CoreResponse } from './transaction/messages.js';
import type { SipStack } from './stack.js';

const log = createDebug('switchboard:sip:core');

/**
 * A core's callbacks. Each runs in the stack's core process, one at a time; one that returns a
 * promise holds the next until it settles. A callback that throws (or whose promise rejects) does
 * not crash the core: the request it was handling is answered — with the status of a
 * `SipParseError` (400 naming the header a late read found bad), else 500 — so its transaction
 * ends, and the core goes on with the next message. A response the core already sent wins.
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
    // A callback that throws is answered, not a crash: a request that crashed the core would
    // crash it again on every retransmission, and restarts would take the whole stack down.
    let pending: Awaitable<void>;
    try {
      if (message instanceof CoreRequest) pending = core.receiveRequest(message.request, message.transaction as ServerTransaction | null);
      else if (message instanceof CoreResponse) pending = core.receiveResponse(message.response, message.transaction as ClientTransaction | null);
      else if (message instanceof CoreError) pending = core.receiveError(message.error, message.transaction as ServerTransaction | ClientTransaction);
      else {
        log('core: unexpected message %o', message);
        return Result.noreply(core);
      }
    } catch (error) {
      coreFailed(message, error);
      return Result.noreply(core);
    }
    if (pending !== undefined && typeof (pending as PromiseLike<void>).then === 'function') {
      return Promise.resolve(pending).then(
        () => Result.noreply(core),
        (error: unknown) => {
          coreFailed(message, error);
          return Result.noreply(core);
        },
      );
    }
    return Result.noreply(core);
  },

  terminate(reason, core) {
    core.terminate?.(reason);
  },
};

/**
 * A core callback threw (or its promise rejected): a request with a transaction is answered with
 * the parse error's status (400 naming the header, 413…) or 500, so that its transaction ends; the
 * rest is logged. The core goes on.
 */
function coreFailed(message: unknown, error: unknown): void {
  const what = error instanceof Error ? error.message : String(error);
  if (!(message instanceof CoreRequest) || message.transaction === null) {
    log('core callback failed: %s', what);
    return;
  }
  const transaction = message.transaction as ServerTransaction;
  const request = message.request;
  log('%s from %s:%d failed in the core: %s', request.method, transaction.source.address, transaction.source.port, what);
  try {
    const response = error instanceof SipParseError ? createResponse(request, error.status, { reason: error.reasonPhrase }) : createResponse(request, 500, { reason: 'Server Internal Error (the request could not be handled)' });
    transaction.respond(response);
  } catch (answerError) {
    // not even the headers a response copies could be read: end the transaction unanswered
    log('no answer possible: %s', answerError instanceof Error ? answerError.message : String(answerError));
    transaction.terminate();
  }
}
