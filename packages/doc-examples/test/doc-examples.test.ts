// Every TypeScript block of README.md, docs/*.md and packages/*/README.md is a test: a block is a
// complete program, type-checked (one tsc run over all of them) and run until it exits by itself,
// unless its info string marks it as a fragment (```ts fragment).
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = join(packageDir, '..', '..');
// inside this package, so `@switchboard/*` resolve to the workspace packages
const examplesDir = join(packageDir, '.examples');
const RUN_TIMEOUT = 20_000;
const PARALLEL_RUNS = 2;

/** The marker a block's info string carries when it is not a complete program. */
const FRAGMENT = 'fragment';

interface Block {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly code: string;
  readonly fragment: boolean;
}

function markdownFiles(): string[] {
  const files = ['README.md'];
  for (const name of readdirSync(join(repoRoot, 'docs')).sort()) if (name.endsWith('.md')) files.push(`docs/${name}`);
  for (const name of readdirSync(join(repoRoot, 'packages')).sort()) {
    if (existsSync(join(repoRoot, 'packages', name, 'README.md'))) files.push(`packages/${name}/README.md`);
  }
  return files;
}

function typescriptBlocks(file: string): Block[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, language, rest] = open as unknown as [string, string, string, string, string];
    let end = i + 1;
    while (end < lines.length && !(lines[end]!.startsWith(indent + fence) && lines[end]!.trim() === fence)) end++;
    if (language === 'ts' || language === 'typescript') {
      const code = lines.slice(i + 1, end).map((line) => line.slice(indent.length)).join('\n') + '\n';
      blocks.push({ file, line: i + 1, code, fragment: rest.split(/\s+/).includes(FRAGMENT) });
    }
    i = end;
  }
  return blocks;
}

function exampleFileName(block: Block): string {
  return `${block.file.replace(/[^A-Za-z0-9]+/g, '-')}-${block.line}.ts`;
}

const blocks = markdownFiles().flatMap(typescriptBlocks);
const programs = blocks.filter((block) => !block.fragment);

rmSync(examplesDir, { recursive: true, force: true });
mkdirSync(examplesDir, { recursive: true });
for (const block of programs) writeFileSync(join(examplesDir, exampleFileName(block)), block.code);
writeFileSync(
  join(examplesDir, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../../../tsconfig.base.json',
      // a doc example may show a value without using it
      compilerOptions: { noEmit: true, noUnusedLocals: false, declaration: false, declarationMap: false, sourceMap: false },
      include: ['*.ts'],
    },
    null,
    2,
  ),
);

interface Outcome {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function run(command: string, args: readonly string[], options: { cwd: string; timeout: number }): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { cwd: options.cwd, timeout: options.timeout, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = child.exitCode;
      resolve({ code, signal: child.signalCode, stdout, stderr, timedOut: error !== null && 'killed' in error && error.killed === true && code === null });
    });
  });
}

// One tsc run over every complete example; its diagnostics are handed out to the examples by file.
const tsc = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
const typecheck = run(process.execPath, [tsc, '-p', join(examplesDir, 'tsconfig.json'), '--pretty', 'false'], { cwd: examplesDir, timeout: 120_000 }).then((outcome) => {
  const byFile = new Map<string, string[]>();
  const others: string[] = [];
  for (const line of outcome.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const located = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
    const name = located ? relative(examplesDir, join(examplesDir, located[1]!)) : undefined;
    if (located && name !== undefined && !name.includes('/')) {
      const list = byFile.get(name) ?? [];
      list.push(`line ${located[2]}: ${located[4]}`);
      byFile.set(name, list);
    } else if (/^\s/.test(line) && others.length === 0 && byFile.size > 0) {
      // continuation of the previous diagnostic
      const last = [...byFile.values()].at(-1)!;
      last[last.length - 1] += `\n${line}`;
    } else others.push(line);
  }
  return { outcome, byFile, others };
});

// Examples run at most PARALLEL_RUNS at a time: the machine is shared.
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

test('every TypeScript block is found, and each is a program or a marked fragment', (t) => {
  t.true(blocks.length > 0);
  t.log(`${programs.length} programs, ${blocks.length - programs.length} fragments`);
  for (const file of new Set(blocks.map((block) => block.file))) {
    const inFile = blocks.filter((block) => block.file === file);
    t.log(`${file}: ${inFile.filter((block) => !block.fragment).length} programs, ${inFile.filter((block) => block.fragment).length} fragments`);
  }
});

test('the type check found nothing outside the examples', async (t) => {
  const { others, outcome } = await typecheck;
  t.deepEqual(others, [], outcome.stdout + outcome.stderr);
});

for (const block of programs) {
  const name = exampleFileName(block);
  test(`${block.file}:${block.line}`, async (t) => {
    const { byFile } = await typecheck;
    const errors = (byFile.get(name) ?? []).map((error) =>
      error.replace(/^line (\d+)/, (_, line: string) => `${block.file}:${block.line + Number(line)}`),
    );
    t.deepEqual(errors, [], `type errors in ${block.file}:${block.line}`);
    if (errors.length > 0) return;
    const outcome = await slot(() =>
      run(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', join(examplesDir, name)], { cwd: examplesDir, timeout: RUN_TIMEOUT }),
    );
    if (outcome.code !== 0) {
      t.log(outcome.stdout);
      t.log(outcome.stderr);
    }
    t.false(outcome.timedOut, `${block.file}:${block.line} did not exit within ${RUN_TIMEOUT} ms`);
    t.is(outcome.code, 0, `${block.file}:${block.line} exited with ${outcome.code ?? outcome.signal}`);
  });
}
