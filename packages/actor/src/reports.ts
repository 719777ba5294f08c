// Crash and supervisor reports (OTP's logger reports): what a service prints when a process dies
// abnormally or a supervisor gives up, so a tree that ends is never silent. Each runtime sends
// them to one pluggable function; the default writes one line to stderr.
import { describeReason } from './errors.js';
import type { ExitReason } from './exit-reason.js';
import type { Pid } from './pid.js';

/**
 * A report the runtime makes (OTP's crash report and supervisor report):
 * - `crash`: a process ended abnormally by its own doing — a callback threw or returned a bad
 *   value, or it stopped with an abnormal reason — after its `terminate` ran. A process killed by
 *   an exit signal makes none (its code did not run), as in OTP.
 * - `supervisor`: a supervisor saw a child end abnormally (`child_terminated`), could not restart
 *   it (`start_error`), or gave up because the restart intensity was reached (`shutdown`).
 */
export type Report =
  | {
      /** A crash report. */
      readonly kind: 'crash';
      /** The process that crashed. */
      readonly pid: Pid;
      /** Its registered name, or null. */
      readonly name: string | null;
      /** Its behaviour's `behaviourName` ('gen_server', 'supervisor', …). */
      readonly behaviour: string;
      /** Why it ended. */
      readonly reason: ExitReason;
      /** The message it was handling when a callback threw, when there was one. */
      readonly lastMessage?: unknown;
    }
  | {
      /** A supervisor report. */
      readonly kind: 'supervisor';
      /** The supervisor. */
      readonly supervisor: Pid;
      /** What happened, in OTP's words. */
      readonly context: 'child_terminated' | 'start_error' | 'shutdown';
      /** The child's id, when the report is about one child. */
      readonly childId?: string;
      /** The child's pid, when it had one. */
      readonly child?: Pid | null;
      /** The child's exit reason, the start error, or `'reached_max_restart_intensity'`. */
      readonly reason: unknown;
    };

/** Where a runtime sends its reports: route them to your own logging. Must not throw. */
export type ReportHandler = (report: Report) => void;

/** One line for a report, as the default handler prints it. */
export function formatReport(report: Report): string {
  if (report.kind === 'crash') {
    const who = report.name === null ? String(report.pid) : `${report.pid} (${report.name})`;
    const last = report.lastMessage === undefined ? '' : `; last message: ${describeReason(report.lastMessage)}`;
    return `crash report: ${report.behaviour} ${who} terminated: ${describeReason(report.reason)}${last}`;
  }
  const child = report.childId === undefined ? '' : ` child ${report.childId}${report.child ? ` ${report.child}` : ''}`;
  return `supervisor report: ${report.supervisor} ${report.context}${child}: ${describeReason(report.reason)}`;
}

/** Lines the default handler writes per second at most; past it, one line counts what it dropped. */
const STDERR_REPORTS_PER_SECOND = 20;
let windowStart = 0;
let written = 0;
let suppressed = 0;

/**
 * The default handler: one line per report on stderr, at most 20 a second (a flood of peers
 * whose sessions end must not turn into a flood of output; OTP's logger has the same guard).
 * Past the limit it counts, and says how many it dropped when the next second begins.
 */
export const stderrReports: ReportHandler = (report) => {
  const now = Date.now();
  if (now - windowStart >= 1000) {
    if (suppressed > 0) process.stderr.write(`${suppressed} more reports were not printed (over ${STDERR_REPORTS_PER_SECOND} a second)\n`);
    windowStart = now;
    written = 0;
    suppressed = 0;
  }
  if (written >= STDERR_REPORTS_PER_SECOND) {
    suppressed++;
    return;
  }
  written++;
  process.stderr.write(`${formatReport(report)}\n`);
};
