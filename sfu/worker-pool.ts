// One mediasoup worker per core. Rooms ask for the least loaded live worker; a worker that dies
// is replaced at once (and again, backing off, until a replacement starts) and rooms are told so
// they can rebuild their routers elsewhere.
import type { WorkerHealth } from "../lib/protocol/sfu_health.ts";
import { EventEmitter } from "node:events";
import * as mediasoup from "mediasoup";
import type { types as ms } from "mediasoup";
import type { SfuConfig } from "./config.ts";

export type WorkerPoolEvents = { workerDied: [dead: ms.Worker] };

export type { WorkerHealth };

const RETRY_MS = [250, 1_000, 3_000, 10_000];

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly expected: number;
  #config: SfuConfig;
  #workers: ms.Worker[] = [];
  // Load is what rooms put on a worker: one per router plus one per receiving peer.
  #load = new Map<ms.Worker, number>();
  #routers = new Map<ms.Worker, number>();
  /** Dead workers whose replacement has not started yet, for health. */
  #dead: ms.Worker[] = [];
  #spawning: Promise<void> | null = null;
  #closed = false;

  private constructor(config: SfuConfig) {
    super();
    this.#config = config;
    this.expected = config.workers;
  }

  static async create(config: SfuConfig): Promise<WorkerPool> {
    const pool = new WorkerPool(config);
    for (let i = 0; i < config.workers; i++) await pool.#spawn();
    return pool;
  }

  get workers(): readonly ms.Worker[] {
    return this.#workers;
  }

  /** Dead workers not yet replaced. */
  get replacing(): number {
    return this.#dead.length;
  }

  health(): WorkerHealth[] {
    return [
      ...this.#workers.map((w) => ({ pid: w.pid, alive: true, routers: this.#routers.get(w) ?? 0 })),
      ...this.#dead.map((w) => ({ pid: w.pid, alive: false, routers: 0 })),
    ];
  }

  loadOf(worker: ms.Worker): number {
    return this.#load.get(worker) ?? 0;
  }

  adjustLoad(worker: ms.Worker, delta: number): void {
    if (this.#load.has(worker)) this.#load.set(worker, Math.max(0, this.loadOf(worker) + delta));
  }

  /** Router count per worker, kept by RouterSlot as it makes and closes routers. */
  adjustRouters(worker: ms.Worker, delta: number): void {
    const n = this.#routers.get(worker);
    if (n !== undefined) this.#routers.set(worker, Math.max(0, n + delta));
  }

  /** The least loaded live worker, preferring one not in `avoid`; waits for a replacement if none is alive. */
  async pick(avoid: ReadonlySet<ms.Worker> = new Set()): Promise<ms.Worker> {
    for (let tries = 0; this.#workers.length === 0; tries++) {
      if (this.#closed) throw new Error("worker pool is closed");
      if (tries > 20) throw new Error("no mediasoup worker could be started");
      await (this.#spawning ?? this.#spawn().catch(() => new Promise((r) => setTimeout(r, 250))));
    }
    const candidates = this.#workers.filter((w) => !avoid.has(w));
    const list = candidates.length > 0 ? candidates : this.#workers;
    return list.reduce((best, w) => (this.loadOf(w) < this.loadOf(best) ? w : best));
  }

  #spawn(): Promise<void> {
    const run = (async () => {
      const worker = await mediasoup.createWorker({
        logLevel: this.#config.logLevel,
        rtcMinPort: this.#config.rtcMinPort,
        rtcMaxPort: this.#config.rtcMaxPort,
      });
      if (this.#closed) {
        worker.close();
        return;
      }
      worker.on("died", () => this.#onDied(worker));
      this.#workers.push(worker);
      this.#load.set(worker, 0);
      this.#routers.set(worker, 0);
    })();
    this.#spawning = run.finally(() => {
      if (this.#spawning === tracked) this.#spawning = null;
    });
    const tracked = this.#spawning;
    return run;
  }

  #onDied(worker: ms.Worker): void {
    this.#workers = this.#workers.filter((w) => w !== worker);
    this.#load.delete(worker);
    this.#routers.delete(worker);
    if (this.#closed) return;
    console.error(`sfu: mediasoup worker ${worker.pid} died; starting a replacement`);
    this.#dead.push(worker);
    // Replace first so that rooms rebuilding on the event find the pool at full size soon.
    void this.#replace(worker, 0);
    this.emit("workerDied", worker);
  }

  async #replace(dead: ms.Worker, attempt: number): Promise<void> {
    try {
      // pick() may have started one meanwhile, when no worker at all was left.
      if (this.#workers.length < this.expected) await this.#spawn();
      this.#dead = this.#dead.filter((w) => w !== dead);
    } catch (err) {
      if (this.#closed) return;
      const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      console.error(`sfu: could not replace worker ${dead.pid} (trying again in ${wait} ms):`, err);
      setTimeout(() => void this.#replace(dead, attempt + 1), wait).unref();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#workers) w.close();
    this.#workers = [];
    this.#dead = [];
    this.#load.clear();
    this.#routers.clear();
  }
}
