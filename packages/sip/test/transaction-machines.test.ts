// The four transaction machines of RFC 3261 §17 (with RFC 6026), run on a virtual clock: every
// state, every timer, the retransmission schedules, and what an unexpected event does.
import test from 'ava';
import { DEFAULT_TIMERS, inviteClientMachine, inviteServerMachine, nonInviteClientMachine, nonInviteServerMachine, transactionTimers } from '@switchboard/sip';
import { runMachine } from './support/machine-harness.js';

const udp = { timers: transactionTimers(DEFAULT_TIMERS, false) };
const tcp = { timers: transactionTimers(DEFAULT_TIMERS, true) };

test('timer values follow RFC 3261 Table 4 and RFC 6026', (t) => {
  const u = udp.timers;
  t.deepEqual([u.A, u.B, u.D, u.E, u.F, u.G, u.H, u.I, u.J, u.K, u.L, u.M, u.T2], [500, 32000, 32000, 500, 32000, 500, 32000, 5000, 32000, 5000, 32000, 32000, 4000]);
  const r = tcp.timers;
  t.deepEqual([r.D, r.I, r.J, r.K, r.retransmit], [0, 0, 0, 0, false]);
  // D stays >= 32 s over UDP even with a small T1; B, F, H, L, M follow 64·T1.
  const fast = transactionTimers({ t1: 100, t2: 4000, t4: 5000 }, false);
  t.deepEqual([fast.B, fast.D, fast.F, fast.H, fast.L, fast.M], [6400, 32000, 6400, 6400, 6400, 6400]);
});

test('INVITE client, UDP: Timer A doubles with no cap; Timer B ends Calling with a timeout', async (t) => {
  const h = await runMachine(inviteClientMachine, udp);
  t.is(h.state(), 'calling');
  await h.clock.advance(31_999);
  t.deepEqual(h.times('retransmit'), [500, 1500, 3500, 7500, 15500, 31500]);
  t.is(h.state(), 'calling');
  await h.clock.advance(1);
  t.deepEqual(h.times('timeout'), [32000]);
  t.is(h.state(), 'terminated');
});

test('INVITE client: a provisional response stops retransmissions and Timer B; Proceeding passes 1xx up', async (t) => {
  const h = await runMachine(inviteClientMachine, udp);
  await h.clock.advance(600);
  await h.send({ type: 'provisional' });
  t.is(h.state(), 'proceeding');
  await h.send({ type: 'provisional' });
  await h.clock.advance(100_000);
  t.deepEqual(h.times('retransmit'), [500]);
  t.deepEqual(h.times('timeout'), []);
  t.is(h.times('passToCore').length, 2);
  t.is(h.state(), 'proceeding');
});

test('INVITE client: a 2xx leads to Accepted (RFC 6026), where 2xx retransmissions go up until Timer M', async (t) => {
  const h = await runMachine(inviteClientMachine, udp);
  await h.send({ type: 'provisional' });
  await h.send({ type: 'success' });
  t.is(h.state(), 'accepted');
  await h.send({ type: 'success' });
  await h.send({ type: 'failure' }); // absorbed
  t.is(h.times('passToCore').length, 3);
  t.deepEqual(h.times('sendAck'), []);
  await h.clock.advance(31_999);
  t.is(h.state(), 'accepted');
  await h.clock.advance(1);
  t.is(h.state(), 'terminated');
});

test('INVITE client: a non-2xx final is ACKed, retransmissions are ACKed again, Timer D ends Completed', async (t) => {
  const h = await runMachine(inviteClientMachine, udp);
  await h.send({ type: 'failure' });
  t.is(h.state(), 'completed');
  await h.clock.advance(1000);
  await h.send({ type: 'failure' });
  t.deepEqual(h.times('sendAck'), [0, 1000]);
  t.is(h.times('passToCore').length, 1, 'only the first final response reaches the core');
  await h.clock.advance(30_999);
  t.is(h.state(), 'completed');
  await h.clock.advance(1);
  t.is(h.state(), 'terminated');
});

test('INVITE client, TCP: no retransmission, and Timer D is zero', async (t) => {
  const h = await runMachine(inviteClientMachine, tcp);
  await h.clock.advance(10_000);
  t.deepEqual(h.times('retransmit'), []);
  await h.send({ type: 'failure' });
  await h.clock.advance(1); // a zero timer fires on the next millisecond, as Node's do
  t.is(h.state(), 'terminated');
  t.deepEqual(h.times('sendAck'), [10_000]);
});

test('INVITE client: a transport error in Calling or Completed ends the transaction and is reported', async (t) => {
  const calling = await runMachine(inviteClientMachine, udp);
  await calling.send({ type: 'transportError' });
  t.is(calling.state(), 'terminated');
  t.is(calling.times('transportError').length, 1);
  const completed = await runMachine(inviteClientMachine, udp);
  await completed.send({ type: 'failure' });
  await completed.send({ type: 'transportError' });
  t.is(completed.state(), 'terminated');
});

test('non-INVITE client, UDP: Timer E doubles up to T2 in Trying; Timer F times out', async (t) => {
  const h = await runMachine(nonInviteClientMachine, udp);
  await h.clock.advance(32_000);
  t.deepEqual(h.times('retransmit'), [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  t.deepEqual(h.times('timeout'), [32000]);
  t.is(h.state(), 'terminated');
});

test('non-INVITE client: in Proceeding, Timer E is reset to T2; a final response leads to Completed, Timer K', async (t) => {
  const h = await runMachine(nonInviteClientMachine, udp);
  await h.clock.advance(600);
  await h.send({ type: 'provisional' });
  t.is(h.state(), 'active');
  await h.clock.advance(9_400); // to 10,000
  // 500 (Trying), then the pending 1500 fires in Proceeding and re-arms with T2: 5500, 9500
  t.deepEqual(h.times('retransmit'), [500, 1500, 5500, 9500]);
  await h.send({ type: 'final' });
  t.is(h.state(), 'completed');
  await h.send({ type: 'final' }); // absorbed
  t.is(h.times('passToCore').length, 2);
  await h.clock.advance(4_999);
  t.is(h.state(), 'completed');
  await h.clock.advance(1);
  t.is(h.state(), 'terminated');
  t.deepEqual(h.times('retransmit'), [500, 1500, 5500, 9500]);
});

test('non-INVITE client, TCP: no Timer E, Timer K zero', async (t) => {
  const h = await runMachine(nonInviteClientMachine, tcp);
  await h.clock.advance(5000);
  t.deepEqual(h.times('retransmit'), []);
  await h.send({ type: 'final' });
  await h.clock.advance(1); // a zero timer fires on the next millisecond, as Node's do
  t.is(h.state(), 'terminated');
});

test('non-INVITE client: Timer F fires in Proceeding too', async (t) => {
  const h = await runMachine(nonInviteClientMachine, tcp);
  await h.send({ type: 'provisional' });
  await h.clock.advance(32_000);
  t.deepEqual(h.times('timeout'), [32000]);
  t.is(h.state(), 'terminated');
});

test('INVITE server: 100 Trying after 200 ms of core silence; not when the core answered first', async (t) => {
  const silent = await runMachine(inviteServerMachine, udp);
  await silent.clock.advance(199);
  t.deepEqual(silent.times('sendTrying'), []);
  await silent.clock.advance(1);
  t.deepEqual(silent.times('sendTrying'), [200]);
  const quick = await runMachine(inviteServerMachine, udp);
  await quick.clock.advance(50);
  await quick.send({ type: 'provisional' });
  await quick.clock.advance(1000);
  t.deepEqual(quick.times('sendTrying'), []);
  t.deepEqual(quick.times('send'), [50]);
  await quick.send({ type: 'request' });
  t.deepEqual(quick.times('resend'), [1050], 'a retransmitted INVITE gets the last provisional again');
  t.is(quick.state(), 'proceeding');
});

test('INVITE server: a non-2xx final is retransmitted on Timer G (capped at T2) until Timer H', async (t) => {
  const h = await runMachine(inviteServerMachine, udp);
  await h.send({ type: 'failure' });
  t.is(h.state(), 'completed');
  await h.clock.advance(32_000);
  t.deepEqual(h.times('resend'), [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  t.deepEqual(h.times('timeout'), [32000]);
  t.is(h.state(), 'terminated');
});

test('INVITE server: the ACK leads to Confirmed, which absorbs ACKs until Timer I', async (t) => {
  const h = await runMachine(inviteServerMachine, udp);
  await h.send({ type: 'failure' });
  await h.clock.advance(600);
  await h.send({ type: 'request' });
  t.deepEqual(h.times('resend'), [500, 600], 'a retransmitted INVITE gets the final response again');
  await h.send({ type: 'ack' });
  t.is(h.state(), 'confirmed');
  await h.send({ type: 'ack' });
  await h.clock.advance(4_999);
  t.is(h.state(), 'confirmed');
  await h.clock.advance(1);
  t.is(h.state(), 'terminated');
  t.deepEqual(h.times('resend'), [500, 600], 'no retransmission after the ACK');
  t.deepEqual(h.times('unexpected'), []);
});

test('INVITE server, TCP: no Timer G, and Timer I is zero', async (t) => {
  const h = await runMachine(inviteServerMachine, tcp);
  await h.send({ type: 'failure' });
  await h.clock.advance(10_000);
  t.deepEqual(h.times('resend'), []);
  await h.send({ type: 'ack' });
  await h.clock.advance(1); // a zero timer fires on the next millisecond, as Node's do
  t.is(h.state(), 'terminated');
});

test('INVITE server: a 2xx leads to Accepted (RFC 6026): INVITEs absorbed, the core\'s 2xx retransmissions sent, an ACK passed up, Timer L', async (t) => {
  const h = await runMachine(inviteServerMachine, udp);
  await h.send({ type: 'success' });
  t.is(h.state(), 'accepted');
  await h.send({ type: 'request' });
  await h.send({ type: 'success' });
  await h.send({ type: 'ack' });
  await h.send({ type: 'transportError' });
  t.deepEqual(h.times('resend'), []);
  t.is(h.times('send').length, 2);
  t.is(h.times('passAckToCore').length, 1);
  t.is(h.state(), 'accepted', 'RFC 6026 §8.7: a transport error does not end Accepted');
  await h.clock.advance(32_000);
  t.is(h.state(), 'terminated');
});

test('INVITE server: an unexpected event (a 1xx after the final) is reported, not acted on', async (t) => {
  const h = await runMachine(inviteServerMachine, udp);
  await h.send({ type: 'failure' });
  await h.send({ type: 'provisional' });
  t.is(h.times('unexpected').length, 1);
  t.is(h.times('send').length, 1);
  t.is(h.state(), 'completed');
  h.stop();
});

test('non-INVITE server: Trying discards retransmissions; Proceeding and Completed resend; Timer J', async (t) => {
  const h = await runMachine(nonInviteServerMachine, udp);
  await h.send({ type: 'request' });
  t.deepEqual(h.times('resend'), []);
  await h.send({ type: 'provisional' });
  t.is(h.state(), 'proceeding');
  await h.send({ type: 'request' });
  await h.send({ type: 'final' });
  t.is(h.state(), 'completed');
  await h.send({ type: 'request' });
  t.is(h.times('resend').length, 2);
  await h.send({ type: 'final' });
  t.is(h.times('unexpected').length, 1, 'a second final response is refused');
  await h.clock.advance(31_999);
  t.is(h.state(), 'completed');
  await h.clock.advance(1);
  t.is(h.state(), 'terminated');
});

test('non-INVITE server, TCP: Timer J is zero; a transport error ends Proceeding', async (t) => {
  const h = await runMachine(nonInviteServerMachine, tcp);
  await h.send({ type: 'final' });
  await h.clock.advance(1); // a zero timer fires on the next millisecond, as Node's do
  t.is(h.state(), 'terminated');
  const p = await runMachine(nonInviteServerMachine, tcp);
  await p.send({ type: 'provisional' });
  await p.send({ type: 'transportError' });
  t.is(p.state(), 'terminated');
  t.is(p.times('transportError').length, 1);
});
