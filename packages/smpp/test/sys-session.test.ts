// OTP's sys works on an SMPP session like on any GenServer: its state read between two PDUs, a
// trace of what it handled, suspension while it still answers sys.
import test from 'ava';
import { Runtime, VirtualClock, sys, type SysEvent } from '@switchboard/actor';
import { McSimulator, SmppClient } from '@switchboard/smpp';

test('sys.getState, sys.trace and sys.suspend on a bound ESME session', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, reports: false });
  const sim = await McSimulator.start(rt, { credentials: { esme01: 'secret' } });
  const client = await SmppClient.connect(rt, { port: sim.port });
  await client.bind({ mode: 'transceiver', system_id: 'esme01', password: 'secret' });
  const session = client.pid!;
  const state = await sys.getState<{ bindState: string; sequence: number }>(session);
  t.is(state.bindState, 'BOUND_TRX');
  const traced: SysEvent[] = [];
  await sys.trace(session, (event) => traced.push(event));
  await client.submit({ source_addr: '4000', destination_addr: '447700900123', short_message: Buffer.from('hi') });
  t.true(traced.length > 0, 'the submit went through the session and was traced');
  await sys.trace(session, null);
  await sys.suspend(session);
  t.is((await sys.getState<{ bindState: string }>(session)).bindState, 'BOUND_TRX', 'a suspended session answers sys');
  await sys.resume(session);
  await client.unbind();
  await client.close();
  await sim.close();
});
