// Every scenario of our side, by name; each has an Erlang twin of the same name in ../erlang/.
import type { Scenario } from '../trace.js';
import { dynamicSupervisorScenarios } from './dynamic-supervisor.js';
import { genServerScenarios } from './gen-server.js';
import { linkScenarios } from './links.js';
import { nameScenarios } from './names.js';
import { supervisorScenarios } from './supervisor.js';
import { timerScenarios } from './timers.js';

export const scenarios: Readonly<Record<string, Scenario>> = {
  ...genServerScenarios,
  ...linkScenarios,
  ...timerScenarios,
  ...supervisorScenarios,
  ...dynamicSupervisorScenarios,
  ...nameScenarios,
};
