// The smpp-sim command listens on the loopback address unless told otherwise, and says so in --help.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const cli = fileURLToPath(new URL('../src/simulator/cli.ts', import.meta.url));

function start(args: string[]): { child: ReturnType<typeof spawn>; output: () => string } {
  const child = spawn(process.execPath, ['--import=tsx', '--conditions=@switchboard/source', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

test('smpp-sim without --host listens on 127.0.0.1', async (t) => {
  const sim = start(['--port', '0', '--open']);
  const closed = once(sim.child, 'close');
  for (let i = 0; i < 300 && !/listening on/.test(sim.output()); i++) await new Promise((r) => setTimeout(r, 50));
  t.regex(sim.output(), /^smpp-sim listening on 127\.0\.0\.1:\d+ /m);
  sim.child.kill('SIGINT');
  const [code] = (await closed) as [number | null];
  t.is(code, 0, sim.output());
});

test('smpp-sim --help gives 127.0.0.1 as the default host', async (t) => {
  const help = start(['--help']);
  const [code] = (await once(help.child, 'close')) as [number | null];
  t.is(code, 0);
  t.regex(help.output(), /\[--host 127\.0\.0\.1\]/);
  t.regex(help.output(), /--host 0\.0\.0\.0 to take binds from other machines/);
});
