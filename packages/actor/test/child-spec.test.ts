import test from 'ava';
import type { ChildSpec } from '@switchboard/actor';
import { resolveChildSpec } from '../src/child-spec.js';

// An internal module, imported directly: what a supervisor keeps of a spec is not public API.

const start: ChildSpec['start'] = () => Promise.reject(new Error('not started in this test'));

test('resolveChildSpec fills in the defaults of a partial spec in a new object', (t) => {
  const worker: ChildSpec = { id: 'w', start };
  const resolved = resolveChildSpec(worker);
  t.not(resolved, worker);
  t.deepEqual({ ...resolved }, { id: 'w', start, restart: 'permanent', shutdown: 5000, type: 'worker' });
  t.deepEqual({ ...resolveChildSpec({ id: 's', start, type: 'supervisor' }) }, { id: 's', start, restart: 'permanent', shutdown: 'infinity', type: 'supervisor' });
});

test('resolveChildSpec keeps a spec that sets every field as it is, and still checks it', (t) => {
  const complete: ChildSpec = { id: 'session', start, restart: 'temporary', shutdown: 'brutal_kill', type: 'worker' };
  t.is<unknown, unknown>(resolveChildSpec(complete), complete);
  t.throws(() => resolveChildSpec({ ...complete, shutdown: -1 }), { instanceOf: TypeError, message: /shutdown must be >= 0/ });
  t.throws(() => resolveChildSpec({ ...complete, id: '' }), { instanceOf: TypeError, message: /non-empty string id/ });
});
