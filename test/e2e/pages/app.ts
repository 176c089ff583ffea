// Page components: where things are on screen. Actions (../actions) use these;
// tests never spell selectors themselves.
import type { Page } from 'playwright-core';

export const app = (p: Page) => ({
  ready: () => p.locator('html[data-ready="1"]'),
  nav: (view: string) => p.locator(`[data-nav="${view}"]`),
  sessionName: () => p.locator('[data-role="session-name"]'),
  toast: () => p.locator('[data-role="toast"]'),
  connectionBanner: () => p.locator('[data-role="connection-banner"]'),
  connectionDetail: () => p.locator('[data-role="connection-detail"]'),
  themeToggle: () => p.locator('[data-action="toggle-theme"]'),
});

export const machinePage = (p: Page) => ({
  importInput: () => p.locator('[data-field="import-topology"]'),
  notes: () => p.locator('[data-role="import-notes"]'),
  totals: () => p.locator('[data-role="machine-totals"]'),
  error: () => p.locator('[data-role="machine-error"]'),
  addNode: () => p.locator('[data-action="add-node"]'),
  topology: () => p.locator('[data-role="topology"]'),
  /** A node, disk or NIC of the drawing: "node3", "disk:sda", "nic:eth0". */
  topo: (id: string) => p.locator(`[data-topo="${id}"]`),
  topoNodes: () => p.locator('[data-topo^="node"]'),
  boxes: (kind: 'package' | 'l3' | 'l2' | 'core' | 'cores' | 'pu' | 'pus') => p.locator(`[data-role="topology"] [data-box="${kind}"]`),
  tiers: () => p.locator('[data-role="node-tier"]'),
  everyCore: () => p.locator('[data-field="every-core"]'),
  heatmap: () => p.locator('[data-role="distance-heatmap"]'),
  heatCell: (i: number, j: number) => p.locator(`[data-heat-cell="${i}-${j}"]`),
  heatCells: () => p.locator('[data-heat-cell]'),
  sideTitle: () => p.locator('[data-role="side-panel"] h3').first(),
  nodeCpus: () => p.locator('[data-field="node-cpus"]'),
  nodeMemory: () => p.locator('[data-field="node-memory"]'),
  distance: (j: number) => p.locator(`[data-field="distance-${j}"]`),
  removeSelected: () => p.locator('[data-action="remove-selected"]'),
  diskType: () => p.locator('[data-field="disk-type"]'),
  addDisk: () => p.locator('[data-action="add-disk"]'),
  diskParams: () => p.locator('[data-role="disk-params"]'),
  impact: () => p.locator('[data-role="import-impact"]'),
  impactLosses: () => p.locator('[data-role="import-impact-losses"] li'),
  impactChanges: () => p.locator('[data-role="import-impact-changes"] li'),
  impactCancel: () => p.locator('[data-action="import-impact-cancel"]'),
  impactConfirm: () => p.locator('[data-action="import-impact-confirm"]'),
});

export const calibrationPanel = (p: Page) => ({
  files: () => p.locator('[data-field="calibrate-fio"]'),
  busy: () => p.locator('[data-role="calibration-busy"]'),
  error: () => p.locator('[data-role="calibration-error"]'),
  param: (key: string) => p.locator(`[data-role="calibration-params"] tr[data-param="${key}"] td`).nth(1),
  notes: () => p.locator('[data-role="calibration-notes"] li'),
  row: (job: string, dir: string, metric: string) => p.locator(`[data-role="calibration-errors"] tr[data-job="${job}"][data-dir="${dir}"][data-metric="${metric}"]`),
  apply: () => p.locator('[data-action="apply-calibration"]'),
  applied: () => p.locator('[data-role="calibration-applied"]'),
});

export const cgroupsPage = (p: Page) => ({
  node: (path: string) => p.locator(`[data-cgroup="${path}"]`),
  nameInput: () => p.locator('[data-field="cgroup-name"]'),
  add: () => p.locator('[data-action="add-cgroup"]'),
  file: (name: string) => p.locator(`[data-field="file-${name}"]`),
  fileRow: (name: string) => p.locator(`tr[data-file="${name}"]`),
  kernelError: (name: string) => p.locator(`tr[data-file="${name}"] [data-role="kernel-error"]`),
});

export const workloadsPage = (p: Page) => ({
  add: () => p.locator('[data-action="add-task"]'),
  task: (name: string) => p.locator(`[data-task="${name}"]`),
  name: () => p.locator('[data-field="task-name"]'),
  cgroup: () => p.locator('[data-field="task-cgroup"]'),
  count: () => p.locator('[data-field="task-count"]'),
  type: () => p.locator('[data-field="task-type"]'),
  nice: () => p.locator('[data-field="task-nice"]'),
  fioText: () => p.locator('[data-field="fio-text"]'),
  cpus: () => p.locator('[data-field="task-cpus"]'),
  policy: () => p.locator('[data-field="task-policy"]'),
  rtPriority: () => p.locator('[data-field="task-rt-priority"]'),
  schedError: () => p.locator('[data-role="task-sched-error"]'),
});

export const problemsPanel = (p: Page) => ({
  panel: () => p.locator('[data-role="problems"]'),
  items: (kind: 'issue' | 'refused' | 'file') => p.locator(`[data-role="problem"][data-kind="${kind}"] .text`),
});

export const runPage = (p: Page) => ({
  name: () => p.locator('[data-field="run-name"]'),
  duration: () => p.locator('[data-field="run-duration"]'),
  pace: () => p.locator('[data-field="pace"]'),
  start: () => p.locator('[data-action="start-run"]'),
  cancel: () => p.locator('[data-action="cancel-run"]'),
  pause: () => p.locator('[data-action="pause-run"]'),
  resume: () => p.locator('[data-action="resume-run"]'),
  state: () => p.locator('[data-role="run-state"]'),
  runError: () => p.locator('[data-role="run-error"]'),
  unplugDevice: () => p.locator('[data-field="unplug-device"]'),
  unplug: () => p.locator('[data-action="unplug"]'),
  nic: (name: string) => p.locator(`[data-role="nic-hotplug"] [data-nic="${name}"]`),
  nicState: (name: string) => p.locator(`[data-role="nic-hotplug"] [data-nic="${name}"] [data-role="nic-state"]`),
  unplugNic: (name: string) => p.locator(`[data-role="nic-hotplug"] [data-nic="${name}"] [data-action="unplug-nic"]`),
  plugNic: (name: string) => p.locator(`[data-role="nic-hotplug"] [data-nic="${name}"] [data-action="plug-nic"]`),
  markers: () => p.locator('[data-role="marker"]'),
  actError: () => p.locator('[data-role="act-error"]'),
  log: () => p.locator('[data-role="event-log"]'),
  logRows: (kind: string) => p.locator(`[data-role="event-log"] tr[data-kind="${kind}"]`),
  charts: () => p.locator('.chart-panel'),
  exportScript: () => p.locator('[data-action="export-script"]'),
  seed: () => p.locator('[data-field="scenario-seed"]'),
  sampleInterval: () => p.locator('[data-field="sample-interval"]'),
  recordFiles: () => p.locator('[data-field="record-files"]'),
  settingsError: () => p.locator('[data-role="run-settings-error"]'),
});

export const memoryBlocksPanel = (p: Page) => ({
  root: () => p.locator('[data-role="memory-blocks"]'),
  summary: () => p.locator('[data-role="memory-blocks"] summary'),
  memTotal: () => p.locator('[data-role="memtotal"]'),
  state: (block: string) => p.locator(`[data-role="memory-blocks"] tr[data-block="${block}"] [data-role="block-state"]`),
  offline: (block: string) => p.locator(`[data-role="memory-blocks"] tr[data-block="${block}"] [data-action="block-offline"]`),
  online: (block: string) => p.locator(`[data-role="memory-blocks"] tr[data-block="${block}"] [data-action="block-online"]`),
  onlineType: () => p.locator('[data-field="online-type"]'),
  error: () => p.locator('[data-role="memory-block-error"]'),
});

export const comparePage = (p: Page) => ({
  run: (name: string) => p.locator(`[data-role="compare-runs"] input[data-run="${name}"]`),
  group: (id: string) => p.locator(`[data-panel-group="${id}"]`),
  charts: () => p.locator('.chart-panel'),
  chart: (i: number) => p.locator('.chart-panel').nth(i),
  customSeries: () => p.locator('[data-field="custom-series"]'),
  addSeries: () => p.locator('[data-action="add-series"]'),
  summaryRows: () => p.locator('[data-role="summary"] tr'),
  exportReport: () => p.locator('[data-action="export-report"]'),
  forkAt: () => p.locator('[data-field="fork-at"]'),
  forkPath: () => p.locator('[data-field="fork-path"]'),
  forkValue: () => p.locator('[data-field="fork-value"]'),
  fork: () => p.locator('[data-action="fork-run"]'),
  forkNote: () => p.locator('[data-role="fork-note"]'),
  forkCrop: () => p.locator('[data-field="fork-crop"]'),
  summaryTitle: () => p.locator('[data-role="summary-title"]'),
  importReal: () => p.locator('[data-action="import-real"]'),
  error: () => p.locator('.error'),
});

export const sessionsPage = (p: Page) => ({
  path: () => p.locator('[data-field="session-path"]'),
  current: () => p.locator('[data-role="session-path"]'),
  title: () => p.locator('[data-role="session-title"]'),
  error: () => p.locator('[data-role="session-error"]'),
  saved: () => p.locator('[data-role="session-saved"]'),
  scenarioFile: () => p.locator('[data-field="scenario-file"]'),
  exportScenario: () => p.locator('[data-action="export-scenario-yaml"]'),
  scenarioPaste: () => p.locator('[data-field="scenario-paste"]'),
  openPasted: () => p.locator('[data-action="open-pasted-scenario"]'),
  scenarioNote: () => p.locator('[data-role="scenario-file-note"]'),
  create: () => p.locator('[data-action="session-new"]'),
  open: () => p.locator('[data-action="session-open"]'),
  saveAs: () => p.locator('[data-action="session-save-as"]'),
  close: () => p.locator('[data-action="session-close"]'),
  runRow: (name: string) => p.locator(`[data-role="session-runs"] tr[data-run="${name}"]`),
  recent: () => p.locator('[data-role="recent"] li'),
});

export const galleryPage = (p: Page) => ({
  preset: (file: string) => p.locator(`[data-preset="${file}"]`),
  open: (file: string) => p.locator(`[data-preset="${file}"] [data-action="preset-open"]`),
  error: () => p.locator('[data-role="gallery-error"]'),
});

export const sweepPage = (p: Page) => ({
  source: (kind: 'draft' | 'gallery' | 'file') => p.locator(`[data-field="sweep-source-${kind}"]`),
  knobTarget: (n: 1 | 2) => p.locator(`[data-field="knob${n}-target"]`),
  knobValues: (n: 1 | 2) => p.locator(`[data-field="knob${n}-values"]`),
  metrics: () => p.locator('[data-field="sweep-metrics"]'),
  seeds: () => p.locator('[data-field="sweep-seeds"]'),
  duration: () => p.locator('[data-field="sweep-duration"]'),
  sweepFile: () => p.locator('[data-field="sweep-file"]'),
  scenarioFile: () => p.locator('[data-field="sweep-scenario-file"]'),
  redisUrl: () => p.locator('[data-field="redis-url"]'),
  start: () => p.locator('[data-action="start-sweep"]'),
  progress: () => p.locator('[data-role="sweep-progress-text"]'),
  error: () => p.locator('[data-role="sweep-error"]'),
  title: () => p.locator('[data-role="sweep-title"]'),
  chart: (kind: 'line' | 'heatmap') => p.locator(`[data-chart="sweep-${kind}"]`),
  pointRows: () => p.locator('[data-role="sweep-points"] tr[data-point]'),
  comparePoint: (i: number) => p.locator(`[data-role="sweep-points"] tr[data-point="${i}"] [data-action="compare-point"]`),
  pointErrors: () => p.locator('[data-role="sweep-point-error"]'),
});
