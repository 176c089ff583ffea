// The scenario types, reached through the contract (the renderer may not import src-sim/scenario).
import type { Req, Res } from '../../src-main/ipc/contract.ts';

export type Scenario = Req<'run/start'>['scenario'];
export type MachineSpec = Scenario['machine'];
export type BlockDeviceSpec = MachineSpec['devices'][number];
export type NicSpec = NonNullable<MachineSpec['nics']>[number];
export type CgroupSpec = Scenario['cgroups'][number];
export type TaskSpec = Scenario['tasks'][number];
export type RunSpec = TaskSpec['run'];
export type TimelineAction = Res<'query/timeline'>['actions'][number];
