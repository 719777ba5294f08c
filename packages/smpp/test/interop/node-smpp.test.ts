// node-smpp (npm `smpp` 0.5.1) against our MC and our ESME.
import test from 'ava';
import { once } from 'node:events';
import { Runtime } from '@switchboard/actor';
import { CommandStatus, McSimulator, SmppClient, parseReceipt, type Pdu } from '@switchboard/smpp';
import { ask, nodeSmpp, type NodeSmppPdu, type NodeSmppSession } from '../support/node-smpp.js';
import { until } from '../support/sessions.js';

test('node-smpp as client against our MC: bind, submit_sm, enquire_link, the receipt, unbind', async (t) => {
  const rt = new Runtime();
  const sim = await McSimulator.start(rt, { credentials: { node01: 'secret' }, receiptDelay: 100 });
  const session = nodeSmpp.connect({ url: `smpp://127.0.0.1:${sim.port}` });
  await once(session as unknown as NodeJS.EventEmitter, 'connect');
  const receipts: NodeSmppPdu[] = [];
  session.on('deliver_sm', (pdu: NodeSmppPdu) => {
    receipts.push(pdu);
    session.send(pdu.response());
  });
  const refused = await ask(session, 'bind_transceiver', { system_id: 'node01', password: 'wrong' });
  t.is(refused.command_status, CommandStatus.ESME_RINVPASWD);
  const bound = await ask(session, 'bind_transceiver', { system_id: 'node01', password: 'secret' });
  t.like(bound, { command: 'bind_transceiver_resp', command_status: 0, system_id: 'SMPPSIM' });
  const submitted = await ask(session, 'submit_sm', { destination_addr: '447700900123', short_message: 'hello from node-smpp', registered_delivery: 1 });
  t.like(submitted, { command: 'submit_sm_resp', command_status: 0, message_id: '00000001' });
  t.like(await ask(session, 'enquire_link'), { command: 'enquire_link_resp', command_status: 0 });
  await until(() => receipts.length === 1, 'the receipt');
  const text = receipts[0]!['short_message'] as { message: string };
  t.like(parseReceipt(text.message), { id: '00000001', state: 'DELIVERED' });
  t.is(receipts[0]!['receipted_message_id'], '00000001');
  t.like(await ask(session, 'unbind'), { command: 'unbind_resp', command_status: 0 });
  await until(() => sim.bound.length === 0, 'the session to end');
  session.destroy();
  await sim.close();
});

test('node-smpp as server against our ESME: bind, submit_sm, a deliver_sm answered, enquire_link both ways, unbind', async (t) => {
  const rt = new Runtime();
  const seen: string[] = [];
  let serverSession: NodeSmppSession | undefined;
  const server = nodeSmpp.createServer((session) => {
    serverSession = session;
    session.on('error', () => {});
    session.on('pdu', (pdu: NodeSmppPdu) => seen.push(pdu.command));
    session.on('bind_transceiver', (pdu: NodeSmppPdu) => session.send(pdu.response({ system_id: 'NODESMSC' })));
    session.on('submit_sm', (pdu: NodeSmppPdu) => {
      session.send(pdu.response({ message_id: 'node-1' }));
      session.deliver_sm({ source_addr: '123', destination_addr: '4000', short_message: 'mobile says hi' }, (resp) => seen.push(`deliver_sm_resp:${resp.command_status}`));
    });
    session.on('enquire_link', (pdu: NodeSmppPdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: NodeSmppPdu) => {
      session.send(pdu.response());
      session.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const delivered: Pdu[] = [];
  const client = await SmppClient.connect(rt, { port: server.address().port, onDeliver: (pdu) => void delivered.push(pdu) });
  t.like(await client.bind({ mode: 'transceiver', system_id: 'esme01', password: 'x' }), { system_id: 'NODESMSC' });
  t.like(await client.submit({ destination_addr: '123', short_message: Buffer.from('hi') }), { message_id: 'node-1' });
  await until(() => seen.includes('deliver_sm_resp:0'), 'the deliver_sm_resp');
  t.is(delivered[0]!.command === 'deliver_sm' ? delivered[0]!.short_message.toString() : '', 'mobile says hi');
  t.like(await ask(serverSession!, 'enquire_link'), { command: 'enquire_link_resp', command_status: 0 }, 'our ESME answers enquire_link by itself');
  await client.unbind();
  t.deepEqual(seen.filter((c) => !c.includes(':')), ['bind_transceiver', 'submit_sm', 'deliver_sm_resp', 'enquire_link_resp', 'unbind']);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
