// Flow control: when to read from the peer, and when a peer that stopped reading has kept us stuck
// long enough to be disconnected. Nothing a peer sends is read while what we owe it cannot leave:
// the socket's write buffer above the high-water mark. A full queue of our own requests does not
// stop reading: only reading the peer's responses frees the window that drains it (pausing there
// deadlocked an MC whose receipts had filled its queue: it no longer read their deliver_sm_resp),
// and a request beyond the queue fails with QueueFullError, so it stays bounded all the same.
import createDebug from 'debug';
import { sendAfter } from '@switchboard/actor';
import { TICKS } from './messages.js';
import { READ_AHEAD, type State } from './state.js';

const log = createDebug('switchboard:smpp:flow');

/** The peer is not taking what we send: the write buffer is above the mark. */
export function isBackedUp(state: State): boolean {
  return state.socket.writableLength >= state.options.highWaterMark;
}

/**
 * Pauses or resumes reading. Reading goes on while the mailbox holds less than READ_AHEAD bytes
 * and the session is not backed up; while it is backed up, the stall timer runs.
 */
export function updateReading(state: State): void {
  const socket = state.socket;
  if (isBackedUp(state)) {
    if (!socket.isPaused()) {
      socket.pause();
      if (log.enabled) log('%s: backed up (%d octets unwritten, %d queued): reading paused', state.self, socket.writableLength, state.waiting.length);
    }
    if (state.stalledSince === undefined) {
      state.stalledSince = state.clock.now();
      armStall(state, state.options.stallTimeout);
    }
    return;
  }
  state.stalledSince = undefined;
  if (state.unread < READ_AHEAD && socket.isPaused()) socket.resume();
}

function armStall(state: State, delay: number): void {
  if (state.stallArmed) return;
  state.stallArmed = true;
  sendAfter(state.self, TICKS.stall as never, delay);
}

/** The stall tick: true when the peer has been stuck for the whole `stallTimeout`. */
export function stalledTooLong(state: State): boolean {
  state.stallArmed = false;
  updateReading(state);
  if (state.stalledSince === undefined) return false;
  const stuckFor = state.clock.now() - state.stalledSince;
  if (stuckFor >= state.options.stallTimeout) return true;
  armStall(state, state.options.stallTimeout - stuckFor);
  return false;
}
