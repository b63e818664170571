// Live captions on this SFU: at start-up each language an engine could serve is tried in a
// process of its own (probeModel), one log line each, so a missing or damaged model is told at
// once and only turns that language off; the rooms' word on which Spaces to caption (and in which
// language; `/control/captions`), answered to the room as "available" or why not; and the
// machine's recognisers: at most `perMachine` lent at once, one kept warm per language in use.
import { spaceCaption } from "../../lib/protocol/internal_api.ts";
import { parseSfuRoom } from "../../lib/protocol/sfu.ts";
import { callSigned } from "../../lib/protocol/signed_client.ts";
import type { SfuRoom } from "../room.ts";
import { plan } from "./registry.ts";
import { probeModel, RecogniserProcess, type RecogniserSpec } from "./recogniser.ts";
import { type RecogniserLender, SpaceCaptioner } from "./space.ts";

export type CaptionsOptions = {
  env: Record<string, string | undefined>;
  partyUrl: string;
  serverSecret: string;
  perSpace: number;
  perMachine: number;
  /** Whether this SFU is the Space's origin (only the origin has its microphones). */
  isOrigin(room: string): boolean;
  existingRoom(name: string): SfuRoom | undefined;
  log?: (line: string) => void;
};

export class Captions implements RecogniserLender {
  readonly #opts: CaptionsOptions;
  readonly #served = new Map<string, RecogniserSpec>();
  readonly #off = new Map<string, string>();
  readonly ready: Promise<void>;
  readonly #wanted = new Map<string, string>();
  /** What the room last said for each Space (to tell a getGrant's repeat from news). */
  readonly #asked = new Map<string, string | null>();
  readonly #active = new Map<string, SpaceCaptioner>();
  readonly #idle = new Map<string, RecogniserProcess[]>();
  #lent = new Set<RecogniserProcess>();
  #closed = false;

  constructor(opts: CaptionsOptions) {
    this.#opts = opts;
    this.ready = this.#probe();
  }

  get perSpace(): number {
    return this.#opts.perSpace;
  }

  /** Languages served, with their engine (after `ready`). */
  get languages(): Map<string, RecogniserSpec> {
    return this.#served;
  }

  /** Recognisers lent now, on the whole machine. */
  get lent(): number {
    return this.#lent.size;
  }

  active(room: string): SpaceCaptioner | undefined {
    return this.#active.get(room);
  }

  async #probe(): Promise<void> {
    const log = this.#opts.log ?? ((l: string) => console.log(l));
    const { tries, problems } = plan(this.#opts.env);
    for (const [lang, why] of problems) {
      if (!tries.has(lang)) this.#off.set(lang, why.join("; "));
    }
    await Promise.all([...tries].map(async ([lang, options]) => {
      const failed: string[] = [...(problems.get(lang) ?? [])];
      for (const o of options) {
        const spec = { engine: o.engine, lang, model: o.model };
        const result = await probeModel(spec);
        if (result.ok) {
          this.#served.set(lang, spec);
          const earlier = failed.length ? ` (${failed.join("; ")})` : "";
          return log(
            `sfu: captions in ${lang} by ${o.engine} (${o.model})${earlier}`,
          );
        }
        failed.push(`${o.engine} with ${o.model}: ${result.why}`);
      }
      this.#off.set(lang, failed.join("; "));
    }));
    for (const [lang, why] of this.#off) {
      log(`sfu: captions off for ${lang}: ${why}`);
    }
    if (this.#served.size === 0 && this.#off.size === 0) {
      log("sfu: captions off: no caption engine has a model here");
    }
  }

  /** The room's word: caption `room` in `lang` from now on, or stop (null). */
  async set(room: string, lang: string | null): Promise<void> {
    const named = parseSfuRoom(room);
    if (named?.kind !== "space") return;
    if (lang === null) this.#asked.delete(room);
    else this.#asked.set(room, lang);
    if (lang === null) {
      this.#wanted.delete(room);
      this.#active.get(room)?.close();
      this.#active.delete(room);
      return;
    }
    await this.ready;
    if (this.#closed) return;
    const available = this.#served.has(lang);
    const why = available ? undefined : this.#off.get(lang) ??
      `no caption model for "${lang}" on the media server`;
    void this.#post(named.id, {
      type: "captionsStatus",
      lang,
      available,
      ...(why && { why: why.slice(0, 300) }),
    });
    if (!available) return;
    const running = this.#active.get(room);
    if (running && running.lang !== lang) {
      running.close();
      this.#active.delete(room);
    }
    this.#wanted.set(room, lang);
    this.#warm(lang);
    const made = this.#opts.existingRoom(room);
    if (made) this.roomMade(made);
  }

  /** The room's word in a getGrant answer: acted on only when it is news (a restarted SFU). */
  heal(room: string, lang: string | null): void {
    if ((this.#asked.get(room) ?? null) === lang) return;
    void this.set(room, lang).catch((err) => console.error("sfu: captions switch failed:", err));
  }

  /** A room object was made: it is captioned if its Space is (on its origin). */
  roomMade(room: SfuRoom): void {
    const lang = this.#wanted.get(room.name);
    if (
      !lang || room.isEdge || room.closed || !this.#opts.isOrigin(room.name)
    ) return;
    const running = this.#active.get(room.name);
    if (running && running.room === room) return;
    running?.close();
    const id = room.id;
    const captioner = new SpaceCaptioner(
      room,
      lang,
      this,
      (line) => this.#post(id, { type: "caption", ...line }),
    );
    this.#active.set(room.name, captioner);
    room.once("closed", () => {
      if (this.#active.get(room.name) === captioner) {
        this.#active.delete(room.name);
      }
    });
  }

  acquire(lang: string): RecogniserProcess | null {
    const spec = this.#served.get(lang);
    if (!spec || this.#closed || this.#lent.size >= this.#opts.perMachine) {
      return null;
    }
    const idle = this.#idle.get(lang) ?? [];
    const proc = idle.shift() ?? new RecogniserProcess(spec);
    this.#lent.add(proc);
    proc.once("gone", () => this.#lent.delete(proc));
    this.#warm(lang);
    return proc;
  }

  release(proc: RecogniserProcess): void {
    this.#lent.delete(proc);
    const idle = this.#idle.get(proc.spec.lang) ?? [];
    if (proc.gone || this.#closed || idle.length >= 1) {
      return proc.kill("not needed");
    }
    idle.push(proc);
    this.#idle.set(proc.spec.lang, idle);
  }

  /** One recogniser loaded and waiting per language in use: a speaker's first words need no load time. */
  #warm(lang: string): void {
    const spec = this.#served.get(lang);
    if (!spec || this.#closed) return;
    const idle = (this.#idle.get(lang) ?? []).filter((p) => !p.gone);
    if (idle.length === 0 && this.#lent.size < this.#opts.perMachine) {
      const proc = new RecogniserProcess(spec);
      proc.once("gone", () => {
        const list = this.#idle.get(lang);
        if (list) this.#idle.set(lang, list.filter((p) => p !== proc));
      });
      idle.push(proc);
    }
    this.#idle.set(lang, idle);
  }

  async #post(
    spaceId: string,
    body: Parameters<typeof callSigned<typeof spaceCaption>>[1]["body"],
  ): Promise<void> {
    const res = await callSigned(spaceCaption, {
      secret: this.#opts.serverSecret,
      to: this.#opts.partyUrl,
      params: { spaceId },
      body,
      timeoutMs: 3_000,
    });
    if (!res.ok && res.error.status !== 409) {
      console.warn(
        `sfu: the Space room refused a caption (${res.error.status} ${res.error.code})`,
      );
    }
  }

  close(): void {
    this.#closed = true;
    for (const c of this.#active.values()) c.close();
    this.#active.clear();
    for (const list of this.#idle.values()) {
      for (const p of list) p.kill("closing");
    }
    this.#idle.clear();
    for (const p of this.#lent) p.kill("closing");
    this.#lent.clear();
  }
}
