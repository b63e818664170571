// Which SFU a person joining a Space connects to, when there are several (SPAZIO_SFU_PEERS):
// people on stage (the host, co-hosts, speakers) go to the Space's origin, where speakers
// produce; listeners go to the least loaded live SFU of the list, the origin winning ties, and an
// edge pipes the audio in. Load is each SFU's /healthz `load.score`, cached for a moment so a
// burst of joins costs one look per SFU. A dead SFU answers nothing and is skipped, so a listener
// whose edge died gets a live one when their page asks for fresh tokens.
// Runtime-neutral (fetch only): the web uses it, and the SFU's edge test places with it too.
import { z } from "zod";
import { originOf, type SfuEntry } from "./sfu_edge.ts";

/** What placement reads of an SFU's `/healthz`: whether it is whole, and its load score. */
export const SfuHealthLoad = z.object({ ok: z.boolean(), load: z.object({ score: z.number().finite() }) });

/** One SFU: `url` as servers reach it (its /healthz), `publicUrl` as browsers do. */
export type PlacedSfu = SfuEntry & { publicUrl: string };

export type PlacementOptions = {
  /** How long a load figure is used before it is asked again. */
  ttlMs?: number;
  /** How long an SFU may take to answer /healthz before it counts as down. */
  timeoutMs?: number;
  fetch?: typeof fetch;
};

type Look = { at: number; score: number | null };

export class SfuPlacement {
  readonly sfus: readonly PlacedSfu[];
  #ttlMs: number;
  #timeoutMs: number;
  #fetch: typeof fetch;
  #looks = new Map<string, Look>();
  #asking = new Map<string, Promise<Look>>();

  constructor(sfus: readonly PlacedSfu[], opts: PlacementOptions = {}) {
    if (sfus.length === 0) throw new Error("SfuPlacement needs at least one SFU");
    this.sfus = sfus;
    this.#ttlMs = opts.ttlMs ?? 2_000;
    this.#timeoutMs = opts.timeoutMs ?? 800;
    this.#fetch = opts.fetch ?? ((...args) => fetch(...args));
  }

  /** The Space's origin SFU. */
  origin(spaceId: string): PlacedSfu {
    const id = originOf(spaceId, this.sfus.map((s) => s.id));
    return this.sfus.find((s) => s.id === id)!;
  }

  /** Where one person of `spaceId` connects; `onStage` for the host, co-hosts and speakers. */
  async pick(spaceId: string, onStage: boolean): Promise<PlacedSfu> {
    const origin = this.origin(spaceId);
    if (onStage || this.sfus.length === 1) return origin;
    const scores = await Promise.all(this.sfus.map((s) => this.#score(s)));
    let best: PlacedSfu | null = null;
    let bestScore = Infinity;
    this.sfus.forEach((s, i) => {
      const score = scores[i];
      if (score === null) return;
      if (score < bestScore || (score === bestScore && s === origin)) {
        best = s;
        bestScore = score;
      }
    });
    // None answered: the origin is where the Space's audio is, so it is the best guess.
    return best ?? origin;
  }

  async #score(sfu: PlacedSfu): Promise<number | null> {
    const look = this.#looks.get(sfu.id);
    if (look && Date.now() - look.at < this.#ttlMs) return look.score;
    let asking = this.#asking.get(sfu.id);
    if (!asking) {
      asking = this.#ask(sfu).then((score) => {
        const fresh = { at: Date.now(), score };
        this.#looks.set(sfu.id, fresh);
        this.#asking.delete(sfu.id);
        return fresh;
      });
      this.#asking.set(sfu.id, asking);
    }
    return (await asking).score;
  }

  /** The SFU's load score, or null when it is down, stopping or not whole. */
  async #ask(sfu: PlacedSfu): Promise<number | null> {
    try {
      const res = await this.#fetch(`${sfu.url}/healthz`, { signal: AbortSignal.timeout(this.#timeoutMs) });
      const health = SfuHealthLoad.safeParse(await res.json());
      return res.ok && health.success && health.data.ok ? health.data.load.score : null;
    } catch {
      return null;
    }
  }
}
