// @switchboard/actor: Erlang/OTP processes for Node.js. This is the package's one public face.

/**
 * Erlang/OTP processes for Node.js: GenServer processes with mailboxes, links, monitors,
 * supervisors, a registry and one injectable clock (see docs/actor.md).
 *
 * @module @switchboard/actor
 */

export { Runtime, DEFAULT_START_TIMEOUT } from './runtime.js';
export type { RuntimeOptions, RuntimeStats, StartOptions, StartArgs } from './runtime.js';
export type { SchedulerOptions } from './scheduler.js';

export { Result } from './gen-server.js';
export type {
  Awaitable,
  CallResult,
  From,
  GenServer,
  IgnoreResult,
  InitResult,
  NoReplyResult,
  NoticeResult,
  OkResult,
  ReplyResult,
  ResultOptions,
  StopReplyResult,
  StopResult,
} from './gen-server.js';

export type { AnyProtocol, CallOf, CastOf, InfoOf, Protocol, ReplyOf } from './protocol.js';
export { Pid, Ref } from './pid.js';

export { call, cast, send, reply, stop, DEFAULT_CALL_TIMEOUT } from './messaging.js';
export type { CallOptions, StopOptions } from './messaging.js';
export { self, abortSignal, isAlive, link, unlink, trapExit, exit, exited, onExit, monitor, demonitor } from './signals.js';
export type { ExitHandler } from './exit-handler.js';
export { via } from './destination.js';
export { adopt, detach } from './adopt.js';
export { runAs, trackAwaits } from './caller.js';
export type { Dest, NameResolver, Via } from './destination.js';
export { sendAfter, cancelTimer, readTimer } from './timers.js';
export type { TimerRef } from './timers.js';
/** The class behind {@link TimerRef}: exported as a type so the reference resolves; only `sendAfter` makes one. */
export type { SendAfterTimer } from './process-timers.js';

export { Down, ExitSignal, IdleTimeout, isNormalExit } from './exit-reason.js';
export type { ExitReason, SystemMessage } from './exit-reason.js';

export { Registry } from './registry.js';
export * as sys from './sys-api.js';
export type { SysEvent, SysStatistics } from './sys.js';
export { KeyRegistry } from './key-registry.js';
export type { KeyRegistryOptions, RegistryEntry } from './key-registry.js';
export { formatReport, stderrReports } from './reports.js';
export type { Report, ReportHandler } from './reports.js';

export { SystemClock, systemClock } from './clock.js';
export type { Clock, ClockHandle } from './clock.js';
export { VirtualClock } from './virtual-clock.js';
export { RingQueue } from './ring-queue.js';
export type { Settler } from './virtual-clock.js';

export {
  ActorError,
  AlreadyRegisteredError,
  AmbiguousNameError,
  BadReturnError,
  CallbackError,
  CallSelfError,
  CallTimeoutError,
  ExitError,
  InitError,
  InitIgnoredError,
  NoProcError,
  NotInProcessError,
  ProcessExitedError,
  RegistryFullError,
  StartTimeoutError,
  StopTimeoutError,
  SysCallbackError,
  UnhandledMessageError,
} from './errors.js';

export { worker } from './child-spec.js';
export type { ChildContext, ChildSpec, RestartType, Shutdown, WorkerOptions } from './child-spec.js';
export {
  startSupervisor,
  supervisorChild,
  startChild,
  terminateChild,
  restartChild,
  deleteChild,
  whichChildren,
  countChildren,
} from './supervisor.js';
export type {
  ChildCounts,
  ChildInfo,
  ChildPage,
  Outcome,
  Strategy,
  SupervisorPid,
  SupervisorProtocol,
  SupervisorRequest,
  SupervisorSpec,
  SupervisorStartOptions,
} from './supervisor.js';
export { ChildStartError, SupervisorError } from './supervisor-errors.js';
export type { RuntimeEvent, RuntimeEventListener } from './events.js';
export { startDynamicSupervisor } from './dynamic-supervisor.js';
export type { DynamicSupervisorSpec } from './dynamic-supervisor.js';
export { startApplication, ExitStatus } from './application.js';
export type { Application, ApplicationOptions, SignalSource } from './application.js';
export { machineServer, getSnapshot } from './xstate-host.js';
export { EmbeddedMachine, MachineTimeout } from './embedded-machine.js';
export type { EmbeddedMachineOptions, MachineAction } from './embedded-machine.js';
export type { HostState, MachineMessage, MachineProtocol, MachineServerOptions } from './xstate-host.js';
export { processInfo, supervisionTree } from './introspection.js';
export type { ProcessInfo, ProcessStatus, SupervisionNode, SupervisionTreeOptions } from './introspection.js';
