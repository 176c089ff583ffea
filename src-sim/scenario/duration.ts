import type { Scenario, TimelineAction } from './types';

/**
 * The scenario a run of `durationNs` actually applies: timeline actions
 * after the end never run, so they are cut (an action at exactly the end
 * runs, as the validator allows). Storing this keeps every stored run
 * reopenable when a shorter duration was given on the command line.
 */
export function withDuration(scenario: Scenario, durationNs: number): { scenario: Scenario; dropped: TimelineAction[] } {
  const kept = scenario.timeline.filter((a) => a.atNs <= durationNs);
  const dropped = scenario.timeline.filter((a) => a.atNs > durationNs);
  return { scenario: { ...scenario, durationNs, timeline: kept }, dropped };
}
