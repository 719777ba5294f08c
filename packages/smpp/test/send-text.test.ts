// SmppClient.sendText when the MC refuses some parts of a long text: nothing is lost. Every part's
// outcome comes back (PartialSendError) when some were accepted; the part's own error when none was.
import test from 'ava';
import { CommandStatus, CommandStatusError, McSimulator, PartialSendError, SmppClient } from '@switchboard/smpp';
import { Runtime, VirtualClock } from '@switchboard/actor';

const text = 'The quick brown fox jumps over the lazy dog. '.repeat(9); // 405 GSM characters: three parts

async function setUp(options: { throttle?: number } = {}): Promise<{ sim: McSimulator; client: SmppClient; clock: VirtualClock; close: () => Promise<void> }> {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const sim = await McSimulator.start(rt, options);
  const client = await SmppClient.connect(rt, { port: sim.port });
  await client.bind({ mode: 'transmitter', system_id: 'any', password: 'x' });
  return { sim, client, clock, close: async () => (await client.close(), await sim.close()) };
}

test('the last part throttled: PartialSendError with every part outcome and the accepted ids', async (t) => {
  const { client, close } = await setUp({ throttle: 2 });
  try {
    const error = await t.throwsAsync(client.sendText({ destination: '447700900123', text }), { instanceOf: PartialSendError, code: 'ERR_SMPP_PARTIAL_SEND' });
    t.deepEqual(error?.parts.map((p) => [p.index, p.ok]), [[0, true], [1, true], [2, false]]);
    t.deepEqual(error?.messageIds, ['00000001', '00000002']);
    const part = error?.parts[0];
    t.is(part?.ok === true ? part.response.message_id : undefined, '00000001');
    t.true(error?.firstError instanceof CommandStatusError);
    t.is((error?.firstError as CommandStatusError).commandStatus, CommandStatus.ESME_RTHROTTLED);
    t.is(error?.cause, error?.firstError);
    t.regex(error?.message ?? '', /^1 of 3 parts not sent \(part 3: submit_sm failed: ESME_RTHROTTLED/);
  } finally {
    await close();
  }
});

test('the first part refused, the others accepted: their ids are kept', async (t) => {
  const { sim, client, close } = await setUp();
  try {
    sim.inject({ status: CommandStatus.ESME_RSYSERR, count: 1 });
    const error = await t.throwsAsync(client.sendText({ destination: '447700900123', text }), { instanceOf: PartialSendError });
    t.deepEqual(error?.parts.map((p) => p.ok), [false, true, true]);
    t.deepEqual(error?.messageIds, sim.submitted.map((m) => m.messageId));
    t.is((error?.firstError as CommandStatusError).commandStatus, CommandStatus.ESME_RSYSERR);
  } finally {
    await close();
  }
});

test('every part refused: the part error itself, as submit would reject; all accepted: every response', async (t) => {
  const { sim, client, close } = await setUp();
  try {
    sim.inject({ status: CommandStatus.ESME_RSYSERR, count: 3 });
    const error = await t.throwsAsync(client.sendText({ destination: '447700900123', text }), { instanceOf: CommandStatusError });
    t.is(error?.commandStatus, CommandStatus.ESME_RSYSERR);
    const responses = await client.sendText({ destination: '447700900123', text });
    t.deepEqual(responses.map((r) => r.message_id), ['00000001', '00000002', '00000003']);
  } finally {
    await close();
  }
});
