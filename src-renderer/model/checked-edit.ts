/**
 * An edit the scenario check refuses is not kept: the candidate draft goes
 * through the simulator's own check (src-sim/api checkResolvedScenario, the
 * one run/start applies) and the first issue at the edited field is returned,
 * worded for the user, or null when the edit may be kept.
 */
import { checkResolvedScenario } from '../../src-sim/api';
import type { Scenario } from './types';

/** `field`: the formatted issue path of the edited value or its prefix ("seed", "record", "tasks[2].rt_priority"). */
export function refusal(candidate: Scenario, field: string, subject: string): string | null {
  const hit = checkResolvedScenario(candidate).find((i) => i.path === field || i.path.startsWith(`${field}.`) || i.path.startsWith(`${field}[`));
  return hit ? `${subject}: ${hit.message}` : null;
}
