// Crash and supervisor reports: a process that ends abnormally by its own doing, and a
// supervisor that sees a child crash or gives up, are reported (OTP's logger reports).
import test from 'ava';
import { Result, Runtime, VirtualClock, cast, exit, exited, formatReport, startSupervisor, whichChildren, worker, type GenServer, type Pid, type Report } from '@switchboard/actor';

function recordingRuntime(): { rt: Runtime; reports: Report[] } {
  const reports: Report[] = [];
  return { rt: new Runtime({ clock: new VirtualClock(), reports: (r) => reports.push(r) }), reports };
}

/** What `work` wrote to stderr, one entry per write (the tests using it run serially). */
async function stderrOf(work: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await work();
  } finally {
    process.stderr.write = write;
  }
  return lines;
}

type Proto = { cast: 'crash' | 'stop-badly' | 'stop-normally' };
const Crashy: GenServer<null, Proto, void> = {
  handleCast(message, state) {
    if (message === 'crash') throw new Error('boom');
    if (message === 'stop-badly') return Result.stop('bad_state', state);
    return Result.stop('normal', state);
  },
};

test('a callback that throws makes one crash report, with the message it was handling', async (t) => {
  const { rt, reports } = recordingRuntime();
  const pid = await rt.start(Crashy, undefined, { name: 'crashy' });
  cast(pid, 'crash');
  await exited(pid);
  t.is(reports.length, 1);
  const report = reports[0]!;
  t.is(report.kind, 'crash');
  t.like(report, { pid, name: 'crashy', behaviour: 'gen_server', lastMessage: 'crash' });
  t.regex(formatReport(report), /^crash report: gen_server <0\.\d+\.0> \(crashy\) terminated: handleCast of <0\.\d+\.0> threw: boom; last message: crash$/);
});

test('an abnormal stop reason is reported; normal and shutdown exits and kills are not', async (t) => {
  const { rt, reports } = recordingRuntime();
  const a = await rt.start(Crashy);
  cast(a, 'stop-badly');
  await exited(a);
  const b = await rt.start(Crashy);
  cast(b, 'stop-normally');
  await exited(b);
  const c = await rt.start(Crashy);
  exit(c, 'kill');
  t.deepEqual(
    reports.map((r) => (r.kind === 'crash' ? r.reason : r.kind)),
    ['bad_state'],
  );
});

test('a supervisor reports each abnormal child exit, and reports when it gives up', async (t) => {
  const { rt, reports } = recordingRuntime();
  const sup = await startSupervisor(rt, { intensity: 1, period: 5000, children: [worker('w', Crashy, undefined)] });
  for (let i = 0; i < 2; i++) {
    const [child] = await whichChildren(sup);
    cast(child!.pid as Pid<Proto>, 'crash');
    await rt.whenIdle();
  }
  await exited(sup);
  const kinds = reports.map((r) => (r.kind === 'crash' ? 'crash' : `supervisor ${r.context}`));
  t.deepEqual(kinds, ['crash', 'supervisor child_terminated', 'crash', 'supervisor child_terminated', 'supervisor shutdown']);
  const last = reports.at(-1)!;
  t.regex(formatReport(last), /^supervisor report: <0\.\d+\.0> shutdown: reached_max_restart_intensity$/);
});

test.serial('by default a report is one line on stderr; a throwing handler does not break the runtime', async (t) => {
  const lines = await stderrOf(async () => {
    const rt = new Runtime({ clock: new VirtualClock() });
    const pid = await rt.start(Crashy);
    cast(pid, 'crash');
    await exited(pid);
  });
  t.is(lines.filter((l) => l.startsWith('crash report: ')).length, 1);
  const rt = new Runtime({ clock: new VirtualClock(), reports: () => { throw new Error('bad handler'); } });
  const pid = await rt.start(Crashy);
  cast(pid, 'crash');
  t.not(await exited(pid), undefined);
});

test.serial('the default handler writes at most 20 lines a second and counts the rest', async (t) => {
  const lines = await stderrOf(async () => {
    const rt = new Runtime({ clock: new VirtualClock() });
    const pids = await Promise.all(Array.from({ length: 50 }, () => rt.start(Crashy)));
    for (const pid of pids) cast(pid, 'crash');
    await Promise.all(pids.map((pid) => exited(pid)));
  });
  t.true(lines.length <= 20, `${lines.length} lines`);
});
