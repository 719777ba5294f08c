// A test process that records every info message it receives (exit signals, downs, timers).
import { Result, type GenServer, type Runtime, type Pid, trapExit } from '@switchboard/actor';

export type RecorderProtocol = { call: 'messages'; reply: unknown[]; info: unknown };

export interface Recorder {
  readonly pid: Pid<RecorderProtocol>;
  readonly messages: unknown[];
}

export async function startRecorder(rt: Runtime, options: { trap?: boolean; name?: string } = {}): Promise<Recorder> {
  const messages: unknown[] = [];
  const behaviour: GenServer<unknown[], RecorderProtocol, void> = {
    init() {
      if (options.trap) trapExit(true);
      return Result.ok(messages);
    },
    handleCall(_request, _from, state) {
      return Result.reply([...state], state);
    },
    handleInfo(message, state) {
      state.push(message);
      return Result.noreply(state);
    },
  };
  const pid = await rt.start(behaviour, undefined, options.name === undefined ? {} : { name: options.name });
  return { pid, messages };
}
