// Keeps Spazio's processes running: a process that exits is started again after a backoff
// (1 s, doubling to 30 s; back to 1 s once it has stayed up 10 s), and says so. Only stop()
// (Ctrl-C or SIGTERM to `deno task start`) ends them all.

export interface ProcessSpec {
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** A process up this long is healthy again: its next crash restarts it quickly. */
const HEALTHY_AFTER_MS = 10_000;
/** How long a process gets to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;

type Log = (line: string) => void;

/** One supervised process: its current child and its restart backoff. */
class Supervised {
  child: Deno.ChildProcess | null = null;
  backoff = FIRST_BACKOFF_MS;
  restarts = 0;
  exited: Promise<void> = Promise.resolve();
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly spec: ProcessSpec) {}
}

export class Supervisor {
  #procs: Supervised[] = [];
  #stopping = false;

  constructor(private readonly log: Log = (l) => console.log(l)) {}

  add(spec: ProcessSpec): void {
    const p = new Supervised(spec);
    this.#procs.push(p);
    this.#start(p);
  }

  /** The pid of a process's current child (tests kill it to see it come back). */
  pid(name: string): number | undefined {
    return this.#procs.find((p) => p.spec.name === name)?.child?.pid;
  }

  restarts(name: string): number {
    return this.#procs.find((p) => p.spec.name === name)?.restarts ?? 0;
  }

  #start(p: Supervised): void {
    if (this.#stopping) return;
    const { name, cmd, args, env, cwd } = p.spec;
    let child: Deno.ChildProcess;
    try {
      // setsid: each process leads a process group of its own, so its children (workerd under
      // partykit, the mediasoup workers under the SFU) are stopped with it, also after a crash,
      // and a terminal's Ctrl-C reaches only the supervisor, which stops them in order.
      child = new Deno.Command("setsid", {
        args: [cmd, ...args],
        cwd,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      })
        .spawn();
    } catch (err) {
      this.log(`[${name}] could not start: ${(err as Error).message}`);
      return this.#restartLater(p);
    }
    p.child = child;
    const startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({
          write: (chunk) => {
            for (const line of chunk.split("\n")) if (line.trim()) this.log(`[${name}] ${line}`);
          },
        }),
      ).catch(() => {});
    }
    p.exited = child.status.then((s) => {
      p.child = null;
      // Children it left behind would hold its port and stop the new one from starting.
      killGroup(child.pid, "SIGKILL");
      if (this.#stopping) return;
      if (Date.now() - startedAt > HEALTHY_AFTER_MS) p.backoff = FIRST_BACKOFF_MS;
      const how = s.signal ? `was killed by ${s.signal}` : `exited with code ${s.code}`;
      this.log(`[${name}] ${how}; restarting in ${(p.backoff / 1000).toFixed(0)} s`);
      this.#restartLater(p);
    });
  }

  #restartLater(p: Supervised): void {
    const wait = p.backoff;
    p.backoff = Math.min(p.backoff * 2, MAX_BACKOFF_MS);
    p.timer = setTimeout(() => {
      p.timer = undefined;
      p.restarts++;
      this.#start(p);
      if (p.child) this.log(`[${p.spec.name}] restarted (restart ${p.restarts})`);
    }, wait);
  }

  /** Stops every process (SIGTERM, then SIGKILL after a grace period) and waits for them. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const p of this.#procs) clearTimeout(p.timer);
    await Promise.all(this.#procs.map(async (p) => {
      const child = p.child;
      if (!child) return;
      // The leader first, so it stops in its own order (the SFU closes its peers with "restarting");
      // whatever it leaves behind goes with the group once it has exited.
      try {
        child.kill("SIGTERM");
      } catch { /* gone already */ }
      const timeout = new Promise<"late">((r) => setTimeout(() => r("late"), STOP_GRACE_MS));
      if ((await Promise.race([p.exited.then(() => "done" as const), timeout])) === "late") {
        killGroup(child.pid, "SIGKILL");
        await p.exited;
      }
    }));
  }
}

function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch { /* the whole group is gone already */ }
}
