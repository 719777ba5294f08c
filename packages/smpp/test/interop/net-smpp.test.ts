// Net::SMPP (Debian libnet-smpp-perl), a Perl SMPP implementation, against our MC and our ESME.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { Runtime } from '@switchboard/actor';
import { McSimulator, SmppClient, type Pdu } from '@switchboard/smpp';
import { freePort, runPeer } from '@switchboard/test-support';

const script = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

test('Net::SMPP as ESME against our MC: bind, submit_sm, enquire_link, the receipt, unbind', async (t) => {
  const rt = new Runtime();
  const sim = await McSimulator.start(rt, { credentials: { perl01: 'secret' }, receiptDelay: 200 });
  const perl = runPeer('perl', [script('net-smpp-esme.pl'), String(sim.port), 'perl01', 'secret']);
  try {
    t.is(await perl.exit(), 0, perl.stderr.join(''));
    t.deepEqual(perl.lines.slice(0, 3), ['bind 0 SMPPSIM', 'submit 0 00000001', 'enquire_link 0']);
    t.regex(perl.lines[3]!, /^deliver 4 id:00000001 sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:hello from perl$/);
    t.is(perl.lines[4], 'unbind 0');
    t.like(sim.submitted[0]!.pdu, { command: 'submit_sm', destination_addr: '447700900123', registered_delivery: 1 });
    t.deepEqual(sim.bound, [], 'the unbind ended the session');
  } finally {
    perl.kill();
    await sim.close();
  }
});

test('Net::SMPP as ESME: a wrong password is refused with ESME_RINVPASWD', async (t) => {
  const rt = new Runtime();
  const sim = await McSimulator.start(rt, { credentials: { perl01: 'secret' } });
  const perl = runPeer('perl', [script('net-smpp-esme.pl'), String(sim.port), 'perl01', 'wrong']);
  try {
    t.is(await perl.exit(), 0);
    t.deepEqual(perl.lines, ['bind 14 SMPPSIM']);
  } finally {
    perl.kill();
    await sim.close();
  }
});

test('Net::SMPP as MC (new_listen) against our ESME: bind, submit_sm, its deliver_sm answered, unbind', async (t) => {
  const rt = new Runtime();
  const port = await freePort();
  const perl = runPeer('perl', [script('net-smpp-mc.pl'), String(port)]);
  try {
    await perl.waitFor(/^listening$/);
    const delivered: Pdu[] = [];
    const client = await SmppClient.connect(rt, { port, onDeliver: (pdu) => void delivered.push(pdu) });
    t.like(await client.bind({ mode: 'transceiver', system_id: 'esme01', password: 'secret' }), { system_id: 'PERLMC' });
    t.like(await client.submit({ source_addr: '4000', destination_addr: '123', short_message: Buffer.from('ping') }), { message_id: 'perl-1' });
    await perl.waitFor(/^deliver_sm_resp status 0$/);
    t.like(delivered[0], { command: 'deliver_sm', source_addr: '123', destination_addr: '4000' });
    t.is(delivered[0]!.command === 'deliver_sm' ? delivered[0]!.short_message.toString() : '', 'echo: ping');
    await client.unbind();
    t.is(await perl.exit(), 0);
    t.deepEqual(
      perl.lines.filter((l) => l.startsWith('got')).map((l) => l.split(' ')[1]),
      ['bind_transceiver', 'submit_sm', 'deliver_sm_resp', 'unbind'],
    );
  } finally {
    perl.kill();
  }
});
