// The session's periodic work: response deadlines, enquire_link, inactivity, the window pump.
import createDebug from 'debug';
import { reply, sendAfter } from '@switchboard/actor';
import { createPdu } from '../pdu/build.js';
import type { Pdu } from '../pdu/types.js';
import { ResponseTimeoutError } from './errors.js';
import { Tick, TICKS } from './messages.js';
import { applyResult, armResponses, pump, write } from './outgoing.js';
import { andThen, type MaybePromise, type Step } from './maybe-promise.js';
import { nextSequence, type State } from './state.js';

const log = createDebug('switchboard:smpp:session');

/** A timer's work; a promise only when handleRespTimeout returns one. */
export function onTick(state: State, kind: Tick['kind']): MaybePromise<Step> {
  const now = state.clock.now();
  switch (kind) {
    case 'pump':
      state.pumpArmed = false;
      return pump(state);
    case 'responses': {
      state.responsesAt = null;
      state.responsesTimer = null;
      const expired: Pdu[] = [];
      // Requests enter inFlight in the order they were sent, all with the same responseTimeout,
      // so their deadlines only grow: stop at the first one still running. Only the automatic
      // enquire_link (its own timeout, at most one, watched by the enquire_link timer) is skipped
      // over. Each tick costs O(expired).
      for (const [sequence, entry] of state.inFlight) {
        if (entry.enquireLink) continue;
        if (entry.deadline > now) break;
        state.inFlight.delete(sequence);
        if (entry.pdu.command === 'unbind') return 'unbind_timeout';
        if (sequence === state.autoBind) return new ResponseTimeoutError(entry.pdu.command);
        if (entry.from !== undefined) reply(entry.from, { ok: false, error: new ResponseTimeoutError(entry.pdu.command) });
        else expired.push(entry.pdu);
      }
      if (state.inFlight.size > 0) armResponses(state);
      if (expired.length === 0) return pump(state);
      log('%s: %d request(s) timed out', state.self, expired.length);
      if (state.session.handleRespTimeout === undefined) return pump(state);
      return andThen(state.session.handleRespTimeout(expired, state.user), (result) => applyResult(state, result, 'handleRespTimeout') ?? pump(state));
    }
    case 'enquire_link': {
      // The automatic enquire_link's own deadline is checked here, on this timer: a session holds
      // one timer for it, not a second one (88 bytes) armed for each enquire_link's response.
      if (state.enquireLinkPending && state.enquireLinkDeadline <= now) {
        state.enquireLinkPending = false;
        return 'enquire_link_timeout';
      }
      const idle = now - state.lastReceived;
      const interval = state.options.enquireLinkInterval;
      if (idle >= interval && !state.enquireLinkPending && state.bindState !== 'CLOSED' && state.bindState !== 'UNBOUND') {
        const pdu = createPdu('enquire_link', { sequence_number: nextSequence(state) });
        if (write(state, pdu)) {
          const deadline = Math.ceil(now + state.options.enquireLinkRespTimeout); // a whole millisecond: a small integer to V8
          state.inFlight.set(pdu.sequence_number, { pdu, deadline, enquireLink: true, from: undefined });
          state.enquireLinkPending = true;
          state.enquireLinkDeadline = deadline;
        }
      }
      const untilNext = idle >= interval ? interval : interval - idle;
      const untilDeadline = state.enquireLinkPending ? state.enquireLinkDeadline - now : Infinity;
      sendAfter(state.self, TICKS.enquire_link as never, untilNext < untilDeadline ? untilNext : untilDeadline);
      return undefined;
    }
    case 'stall':
      return undefined; // handled by the transport process
    case 'inactivity': {
      const idle = now - state.lastReceived;
      if (idle >= state.options.inactivityTimeout) return 'inactivity_timeout';
      sendAfter(state.self, TICKS.inactivity as never, state.options.inactivityTimeout - idle);
      return undefined;
    }
  }
}
