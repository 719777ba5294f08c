// The simulator's memory stays bounded: it keeps the last `keepSubmitted` messages plus counters,
// answers query_sm for every id it issued, and throttles a session whose receipts pile up.
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import { CommandStatus, CommandStatusError, McSimulator, SmppClient, createPdu, type PduOf } from '@switchboard/smpp';

const credentials = { esme01: 'secret' };
const asEsme = { mode: 'transceiver', system_id: 'esme01', password: 'secret' } as const;

test('submitted keeps only the last keepSubmitted messages; stats count them all; query_sm knows every id issued', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const sim = await McSimulator.start(rt, { credentials, keepSubmitted: 50 });
  const client = await SmppClient.connect(rt, { port: sim.port });
  await client.bind(asEsme);
  const ids: string[] = [];
  for (let i = 0; i < 120; i++) ids.push((await client.submit({ destination_addr: '447700900123', short_message: Buffer.from(`m${i}`) })).message_id);
  const kept = sim.submitted;
  t.is(kept.length, 50);
  t.is(sim.stats.submitted, 120);
  t.deepEqual(kept.map((m) => m.messageId), ids.slice(-50), 'the most recent, oldest first');
  t.is((kept[49]!.pdu as PduOf<'submit_sm'>).short_message.toString(), 'm119');
  const first = (await client.request(createPdu('query_sm', { message_id: ids[0]! }))) as PduOf<'query_sm_resp'>;
  t.is(first.command_status, CommandStatus.ESME_ROK, 'an id no longer kept is still known');
  const unknown = await t.throwsAsync(client.request(createPdu('query_sm', { message_id: 'ffffffff' })), { instanceOf: CommandStatusError });
  t.is(unknown?.commandStatus, CommandStatus.ESME_RINVMSGID);
  await client.close();
  await sim.close();
});

test('a session with maxPendingReceipts receipts not yet due gets ESME_RTHROTTLED for further submits asking for one', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() }); // the clock stands still: receipts never fall due
  const sim = await McSimulator.start(rt, { credentials, maxPendingReceipts: 3, receiptDelay: 60_000 });
  const client = await SmppClient.connect(rt, { port: sim.port });
  await client.bind(asEsme);
  const submit = { destination_addr: '447700900123', registered_delivery: 1, short_message: Buffer.from('x') };
  for (let i = 0; i < 3; i++) t.is((await client.submit(submit)).command_status, CommandStatus.ESME_ROK);
  const refused = await t.throwsAsync(client.submit(submit), { instanceOf: CommandStatusError });
  t.is(refused?.commandStatus, CommandStatus.ESME_RTHROTTLED);
  t.is((await client.submit({ ...submit, registered_delivery: 0 })).command_status, CommandStatus.ESME_ROK, 'no receipt asked: accepted');
  t.like(sim.stats, { submitted: 4, throttled: 1 });
  await client.close();
  await sim.close();
});
