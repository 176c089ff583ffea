/** --help text of every command. */
export const HELP: Record<string, string> = {
  main: `kernel-lab — deterministic Linux kernel behaviour lab (headless)

usage: kernel-lab COMMAND [options]

commands:
  run SCENARIO        run a scenario file and print the results
  validate SCENARIO   check a scenario file without running it
  sweep SWEEP         run a parameter sweep (kernel-lab/sweep@1) × seeds
  worker --redis URL  a headless BullMQ worker for distributed sweeps
  fork SESSION        fork a stored run at time T with a changed knob
  runs SESSION        list the runs stored in a session file
  cat SESSION PATH    print a virtual file of a stored run (final, or at --at T)
  export SESSION      export a stored run: series (CSV, JSON), a Perfetto trace,
                      or a bash script reproducing it on a real machine
  import-real CSV     load a reproduction script's samples as a run of a session
  calibrate           fit a device model to fio --output-format=json results
  fio FILE.fio        run an fio job file on a simulated machine
  serve               browser mode: the workbench UI on http://127.0.0.1 with a token

Every command takes --help. Exit codes: 0 ok, 2 bad input, 1 internal error.
`,
  run: `usage: kernel-lab run SCENARIO [--seed N | --seeds FIRST..LAST [--jobs N] [--progress]]
                        [--duration T] [--session FILE.klab] [--json] [--allow PATH]

Runs SCENARIO (YAML or JSON, format kernel-lab/scenario@1) in a simulator
worker thread and prints a table per cgroup (CPU usage, throttling, PSI) and
per task (runtime, run delay), read from the virtual files at the end.

  --seed N              override the scenario's seed
  --duration T          override its duration (units ns, us, ms, s, m)
  --session FILE.klab   store the run (series, log, summary) in this session,
                        created if missing; nothing is written when the
                        scenario is invalid
  --json                print exactly one JSON document (kernel-lab/summary@1)
                        with the final content of every virtual file and the log
  --allow PATH          a fio job file (or a folder of them) outside the
                        scenario's folder that the scenario may read

Replications: --seeds 1..30 (or a list 1,4,9) runs the scenario once per
seed on the worker pool (one worker per core, or --jobs N) and prints every
table cell as mean ± the half-width of its 95 % confidence interval (Student
t, n − 1 degrees of freedom). With --json: one kernel-lab/replications@1
document (runs, and mean/sd/ci95 of every numeric field of every final file).
With --session every run is stored as part of one experiment; running the
same command again resumes it (seeds already stored are not run again).
--progress prints "done/total runs, ETA" lines on stderr (on a terminal the
line is always shown).

Ctrl-C cancels the run (stored as cancelled).
`,
  sweep: `usage: kernel-lab sweep SWEEP [--session FILE.klab] [--jobs N] [--redis URL] [--json] [--progress]

Runs every point (combination of knob values) of the sweep file SWEEP
(format kernel-lab/sweep@1, see src-sim/sweep/README.md) once per seed, on
the worker pool (one worker per core, or --jobs N), and prints each metric
as mean ± 95 % CI per point: one knob as rows, two knobs as a grid per metric.
A point whose value the kernel refuses shows the kernel's error and the
others go on.

  --session FILE.klab   store every run (openable like any other) and each
                        point's result as it finishes; the same command
                        again resumes: stored points are not run again
  --redis URL           distribute the points to BullMQ workers
                        (kernel-lab worker --redis URL) instead of the local
                        pool; needs --session
  --json                one kernel-lab/sweep-result@1 document
  --progress            "done/total runs, ETA" lines on stderr (always shown
                        on a terminal)

Ctrl-C cancels; finished points stay stored.
`,
  worker: `usage: kernel-lab worker --redis URL [--concurrency N] [--name NAME] [--lock-duration T]

A headless worker for distributed sweeps (kernel-lab sweep SWEEP --redis URL
--session FILE.klab): takes points from the BullMQ queue "kernel-lab-points"
on the Redis server at URL (redis://[user:password@]host:port[/db]), runs
each in a simulator worker thread and returns the whole run to the sweep,
which stores it. Start as many as wanted, on any machine that reaches Redis.
A point whose worker dies or goes silent for --lock-duration (default 30s) is
given to another worker (3 attempts in all). Runs until Ctrl-C or SIGTERM.

  --concurrency N       points run at once (default 1; one per core is sensible)
  --name NAME           how this worker is named in the session (default host:pid)
`,
  fork: `usage: kernel-lab fork SESSION [--run ID] --at T --write PATH=VALUE [--json]

Replays a stored run (default: the latest) exactly to simulated time T,
writes VALUE to the virtual file PATH there (as a timeline write: before the
sample at T), runs on to the end, and stores the result as a child of the run
(its samples before T are the parent's). A value the kernel refuses at T is
bad input (exit 2) with the kernel's message; nothing is stored.
`,
  serve: `usage: kernel-lab serve [--port P] [--session FILE.klab] [--renderer DIR]

Browser mode: serves the workbench UI (dist/renderer/, built by
\`npm run build:renderer\`) over HTTP and the lab service over a WebSocket,
bound to 127.0.0.1 only. Prints the URL with a random token; requests
without the token are refused. Runs until Ctrl-C.

  --port P              port to listen on (default: a free one)
  --session FILE.klab   open this session at start
  --renderer DIR        serve the UI from DIR instead of dist/renderer/
`,
  validate: `usage: kernel-lab validate SCENARIO [--allow PATH]

Loads and checks SCENARIO as \`run\` would, without running it. Problems are
printed as FILE:LINE:COL: path.in.file: what was expected (exit code 2).
Fio job files are read from the scenario's folder only, unless named (or
their folder) with --allow PATH.
`,
  runs: `usage: kernel-lab runs SESSION

Lists the runs of a session file: id, name, seed, status, simulated and wall
time. A run left "running" by a process that died reads as incomplete.
`,
  cat: `usage: kernel-lab cat SESSION [--run ID] PATH [--at T]

Prints the virtual file PATH (e.g. /sys/fs/cgroup/web/cpu.stat) of a stored
run (default: the latest). Without --at, its content at the end of the run.
With --at T, its content at simulated time T: the run is replayed from its
resolved scenario and recorded live actions, deterministically, up to T
(every event, timeline action and sample at or before T has happened).
Replays use this version's simulator; a run stored by another version says so.
`,
  export: `usage: kernel-lab export SESSION --run ID --format csv|json|perfetto|script [--out FILE]

Writes every sampled series of a run. csv: one row per sample, first column
time_ns, one column per series named PATH:FIELD ("max" as max, a missing
sample empty). json: {"format":"kernel-lab/export@1", run, series: [{path,
field, start_index, interval_ns, values}]} (a missing sample null, "max" as
the string "max"). perfetto: a Chrome JSON trace (open it in ui.perfetto.dev
or chrome://tracing): per-CPU tracks with the running task as slices,
sched_wakeup and sched_migrate_task events, block requests per device queue
slot, per-cgroup counters (cpu usage, memory.current, io bytes, PSI) and the
event log (OOM kills, uevents, writes) as instant events; the run is replayed
with the simulator's trace on. script: a commented bash script that sets up
the same experiment on a real Linux machine (cgroup tree and files, sysctls,
block settings, fio and stress-ng workloads, timeline writes at their times)
and samples the recorded files into a CSV for import-real; it prints its plan,
refuses to run without root and asks before changing anything (--yes to skip
the question, --dry-run to print the plan only). Default output is stdout.
`,
  calibrate: `usage: kernel-lab calibrate --fio-json RESULT.json [--fio-json …] [--type nvme|ssd]
                           [--name DEV] [--out FILE] [--sim-time T]

Fits the flash device model (ssd, nvme) to fio results (fio
--output-format=json; one or more files, jobs at different block sizes and
depths): bandwidth from the deep large-block jobs, read/write latency from the
depth-1 jobs, their per-command variation (lat_cv, write_lat_cv) from the
depth-1 jobs' p99 completion latency, channels from a deep small-block
random-read job, each then corrected against the simulator. Prints (or writes to --out) the fitted
machine.devices entry, then runs every job in the simulator (--sim-time,
default 200ms) and prints model vs real per job: bandwidth, IOPS, mean and
p99 completion latency (a depth-1 job's mean and p99 within 5 % when its
tail is one a log-normal reaches; a note says when it is not). --type defaults to nvme when every job's filename is
/dev/nvme*, else ssd.
`,
  'import-real': `usage: kernel-lab import-real CSV --session FILE.klab [--run ID] [--name NAME]

Loads the CSV written by a script of \`export --format script\` (first line
"# kernel-lab/real-samples@1 …") into the session as a finished run with the
scenario of simulated run ID (default: the latest run of the scenario the CSV
names). Fields are extracted as the simulator's recorder does, so its series
have the simulated run's names and Compare shows model and reality together.
A malformed CSV is reported as CSV:LINE:COL (exit code 2); nothing is stored.
`,
  fio: `usage: kernel-lab fio FILE.fio [--run SECONDS]

Parses an fio job file and prints how each job was understood (resolved
options, warnings for options the simulator does not model). A malformed
file prints FILE:LINE: … (exit code 2). With --run SECONDS the jobs also run
for that long on a default machine (every /dev/<name> the file names) and
fio-style results are printed.
`,
};
