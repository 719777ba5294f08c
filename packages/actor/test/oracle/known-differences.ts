// Scenarios where our runtime differs from OTP, each with a one-line reason (docs/actor.md lists
// them too). The oracle test asserts that these still DIFFER: when the runtime changes the test
// fails, and the entry must go. Never bend a scenario to make it pass; list it here instead.
export const knownDifferences: Readonly<Record<string, string>> = {
  dyn_terminate_child:
    'terminateChild(dsup, pid) for a child that already exited: OTP (simple_one_for_one) answers ok for a dead pid, ours not_found (as Elixir\'s DynamicSupervisor)',
};
