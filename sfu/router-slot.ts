// One router of a room on one worker. The primary slot holds every producer (speakers send
// there); overflow slots on other workers carry listeners past the per-router threshold and are
// fed by pipeToRouter, one pipe per producer, created on first need and shared by all listeners.
import type { types as ms } from "mediasoup";
import { AUDIO_LEVEL, MEDIA_CODECS } from "./media.ts";
import type { WorkerPool } from "./worker-pool.ts";

export class RouterSlot {
  readonly router: ms.Router;
  readonly worker: ms.Worker;
  /** Only on the primary slot, where the original audio producers are. */
  audioLevels: ms.AudioLevelObserver | null;
  #pool: WorkerPool;
  #receivers = 0;
  #piped = new Map<string, Promise<void>>();
  #closed = false;

  private constructor(
    pool: WorkerPool,
    worker: ms.Worker,
    router: ms.Router,
    audioLevels: ms.AudioLevelObserver | null,
  ) {
    this.#pool = pool;
    this.worker = worker;
    this.router = router;
    this.audioLevels = audioLevels;
    pool.adjustLoad(worker, 1);
    pool.adjustRouters(worker, 1);
  }

  static async create(pool: WorkerPool, worker: ms.Worker, primary: boolean): Promise<RouterSlot> {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const audioLevels = primary ? await router.createAudioLevelObserver({ ...AUDIO_LEVEL }) : null;
    return new RouterSlot(pool, worker, router, audioLevels);
  }

  /** Makes an overflow router the room's primary (its own primary's worker died). */
  async promote(): Promise<void> {
    this.audioLevels ??= await this.router.createAudioLevelObserver({ ...AUDIO_LEVEL });
  }

  get closed(): boolean {
    return this.#closed || this.router.closed;
  }

  /** Peers whose receive transport is on this router. */
  get receivers(): number {
    return this.#receivers;
  }

  addReceiver(): void {
    this.#receivers++;
    this.#pool.adjustLoad(this.worker, 1);
  }

  removeReceiver(): void {
    if (this.#receivers === 0) return;
    this.#receivers--;
    this.#pool.adjustLoad(this.worker, -1);
  }

  /** Makes `producerId` consumable here; idempotent, and concurrent callers share one pipe. */
  ensurePiped(source: RouterSlot, producerId: string): Promise<void> {
    if (source === this) return Promise.resolve();
    let pending = this.#piped.get(producerId);
    if (!pending) {
      pending = source.router.pipeToRouter({ producerId, router: this.router }).then(({ pipeProducer }) => {
        // The pipe producer closes when the original does; forget it so a new producer id pipes afresh.
        pipeProducer?.observer.once("close", () => this.#piped.delete(producerId));
      });
      pending.catch(() => this.#piped.delete(producerId));
      this.#piped.set(producerId, pending);
    }
    return pending;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pool.adjustLoad(this.worker, -(1 + this.#receivers));
    this.#pool.adjustRouters(this.worker, -1);
    this.#receivers = 0;
    if (!this.router.closed) this.router.close();
  }
}
