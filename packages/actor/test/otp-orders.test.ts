// Orders and edge cases where OTP's gen_server has a definite behaviour, each checked against
// what Erlang/OTP 25 does (see test/oracle for the same scenarios run on Erlang itself).
import test from 'ava';
import { CallTimeoutError, ExitSignal, Result, call, cast, exit, exited, isAlive, monitor, self, trapExit, type Pid } from '@switchboard/actor';
import { startRecorder } from './support/recorder.js';
import { virtualRuntime } from './support/runtime.js';

test('Result.stopReply: the caller gets its reply after terminate has run, as OTP replies after terminate', async (t) => {
  const { rt } = virtualRuntime();
  const trace: string[] = [];
  let release!: () => void;
  const pid = await rt.start<null, { call: 'quit'; reply: string }, void>({
    handleCall: (_request, _from, state) => Result.stopReply('normal', 'bye', state),
    async terminate() {
      trace.push('terminate began');
      await new Promise<void>((resolve) => (release = resolve));
      trace.push('terminate ended');
    },
  });
  const answer = call(pid, 'quit').then((value) => trace.push(`reply ${value}`));
  await rt.whenIdle();
  t.deepEqual(trace, ['terminate began'], 'no reply while terminate runs');
  release();
  await answer;
  t.deepEqual(trace, ['terminate began', 'terminate ended', 'reply bye']);
  t.false(isAlive(pid));
});

test("a process that ends with reason 'kill' sends 'kill' to its links, as an ordinary reason they can trap", async (t) => {
  const { rt } = virtualRuntime();
  const watcher = await startRecorder(rt, { trap: true });
  const pid = await rt.start<null, { cast: 'die' }, void>(
    { handleCast: (_message, state) => Result.stop('kill', state) },
    undefined,
    { link: watcher.pid },
  );
  cast(pid, 'die');
  await rt.whenIdle();
  const signal = watcher.messages.find((m) => m instanceof ExitSignal) as ExitSignal;
  t.is(signal.reason, 'kill');
  t.true(isAlive(watcher.pid), 'a trapped kill reason from a link does not kill');
});

test("exit(self(), 'normal') in a trapping server started without a link runs terminate (it is its own parent)", async (t) => {
  const { rt } = virtualRuntime();
  const trace: string[] = [];
  const pid = await rt.start<null, { cast: 'go' }, void>({
    init() {
      trapExit(true);
      return Result.ok(null);
    },
    handleCast(_message, state) {
      exit(self(), 'normal');
      return Result.noreply(state);
    },
    handleInfo(message, state) {
      trace.push(`info ${String(message)}`);
      return Result.noreply(state);
    },
    terminate(reason) {
      trace.push(`terminate ${String(reason)}`);
    },
  });
  const reason = exited(pid);
  cast(pid, 'go');
  t.is(await reason, 'normal');
  t.deepEqual(trace, ['terminate normal']);
});

test('call with timeout 0 sends the request and times out at once, as OTP does', async (t) => {
  const { rt } = virtualRuntime();
  const seen: string[] = [];
  const pid = await rt.start<null, { call: string; reply: string }, void>({
    handleCall(request, _from, state) {
      seen.push(request);
      return Result.reply('ok', state);
    },
  });
  const error = await call(pid, 'ping', { timeout: 0 }).catch((e: unknown) => e);
  t.true(error instanceof CallTimeoutError);
  await rt.whenIdle();
  t.deepEqual(seen, ['ping'], 'the server got the request; its late reply was dropped');
  t.is(await call(pid, 'again'), 'ok');
});

test('a monitor sees the exit reason kill of a process that ended with it', async (t) => {
  const { rt } = virtualRuntime();
  const watcher = await startRecorder(rt);
  let target: Pid<{ cast: 'die' }> | undefined;
  target = await rt.start<null, { cast: 'die' }, void>({ handleCast: (_m, s) => Result.stop('kill', s) });
  monitor(target, watcher.pid);
  cast(target, 'die');
  await rt.whenIdle();
  t.is((watcher.messages[0] as { reason: unknown }).reason, 'kill');
});
