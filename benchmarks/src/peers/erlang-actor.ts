// Erlang/OTP as the actor suite's peer: actor_peer.escript measures gen_server cast, call,
// spawn + stop and the memory of an idle process, in the same run as ours.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface ErlangActorFigures {
  /** gen_server:cast, 1 M to one server then a call: messages/s. */
  readonly cast: number;
  /** gen_server:call, 64 callers in flight, 5 s timeout: calls/s. */
  readonly call64: number;
  /** gen_server:call one at a time: calls/s. */
  readonly callSeq: number;
  /** gen_server:start + gen_server:stop: processes/s. */
  readonly spawn: number;
  /** erlang:process_info(P, memory) of an idle gen_server: bytes. */
  readonly idleBytes: number;
  /** The OTP release, e.g. "25". */
  readonly otp: string;
  /** The ERTS version. */
  readonly erts: string;
}

const script = fileURLToPath(new URL('./erlang/actor_peer.escript', import.meta.url));

/** Runs the Erlang side; fails with a clear message when Debian's erlang-base is missing. */
export async function measureErlangActor(): Promise<ErlangActorFigures> {
  try {
    const { stdout } = await promisify(execFile)('escript', [script], { timeout: 300_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as ErlangActorFigures;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('escript not found: install Debian\'s erlang-base (apt-get install erlang-base) to measure the Erlang/OTP peer');
    throw error;
  }
}
