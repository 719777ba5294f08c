// How a transaction process feeds its machine: the event a response's status is (RFC 3261 §17:
// 1xx provisional; for INVITE 2xx success and 300–699 failure, otherwise any 2xx–6xx final), and
// the result that ends the process once the machine reaches Terminated.
import { Result, type NoticeResult } from '@switchboard/actor';
import type { AnyStateMachine } from 'xstate';
import type { EmbeddedMachine } from '@switchboard/actor';

export type ResponseEvent = { readonly type: 'provisional' } | { readonly type: 'success' } | { readonly type: 'failure' } | { readonly type: 'final' };

export function responseEvent(invite: boolean, status: number): ResponseEvent {
  if (status < 200) return { type: 'provisional' };
  if (!invite) return { type: 'final' };
  return status < 300 ? { type: 'success' } : { type: 'failure' };
}

/** Go on, or stop normally once the machine is done. */
export function continueUntilDone<S extends { readonly machine: EmbeddedMachine<AnyStateMachine> }>(state: S): NoticeResult<S> {
  return (state.machine.snapshot as { status: string }).status === 'done' ? Result.stop('normal', state) : Result.noreply(state);
}
