// The captions of one Space on its origin SFU: a tap per microphone on air (tap.ts), and a
// recogniser lent to each speaker from the moment the tap hears a voice and while the audio-level
// observer hears them (and a second after),
// within the per-Space and per-machine limits (a speaker past them goes uncaptioned until a
// recogniser is free). Lines go to the Space room in order, a newer partial of the same words
// replacing one not yet sent; a final is never dropped.
import type { types as ms } from "mediasoup";
import type { CaptionLineRequest } from "../../lib/protocol/captions.ts";
import type { ProducerEvent, SfuRoom } from "../room.ts";
import type { RecogniserProcess } from "./recogniser.ts";
import { AUDIO_LEVEL } from "../media.ts";
import { CaptionTap, PREROLL_MS } from "./tap.ts";

/** How long after the observer's last "speaking" a recogniser stays with a speaker. */
export const HANGOVER_MS = 1_000;
/** How long a recogniser started on the tap's own hearing waits for the observer to agree. */
const VOICE_HOLD_MS = AUDIO_LEVEL.interval + HANGOVER_MS;
/**
 * The audio before the voice a recogniser started on the tap's hearing gets: the voice began only
 * 60 ms before, and every second of pre-roll is a second the engine must get through before it
 * reaches the words (about 0.3 s of work per second here).
 */
const VOICE_PREROLL_MS = 300;
/** How long a recogniser has to give its last final once told the speaker stopped. */
const FINAL_WAIT_MS = 5_000;

export interface RecogniserLender {
  /** A recogniser for `lang`, or null when the machine has none to spare. */
  acquire(lang: string): RecogniserProcess | null;
  release(proc: RecogniserProcess): void;
  readonly perSpace: number;
}

type Line = Omit<CaptionLineRequest, "type">;

type Speaker = {
  tap: CaptionTap;
  proc: RecogniserProcess | null;
  hangover: NodeJS.Timeout | null;
  utterance: { id: string; startedAt: number } | null;
  n: number;
};

export class SpaceCaptioner {
  readonly room: SfuRoom;
  readonly lang: string;
  #lender: RecogniserLender;
  #send: (line: Line) => Promise<void>;
  #speakers = new Map<string, Speaker>();
  #queue: Line[] = [];
  #sending = false;
  #closed = false;
  readonly #onProducer = (ev: ProducerEvent) => {
    if (ev.type === "added") void this.#tap(ev.producer, ev.sub);
    if (ev.type === "closed") this.#untap(ev.producerId);
  };
  readonly #onSpeaking = (subs: string[]) => this.#speaking(subs);
  readonly #onClosed = () => this.close();

  constructor(
    room: SfuRoom,
    lang: string,
    lender: RecogniserLender,
    send: (line: Line) => Promise<void>,
  ) {
    this.room = room;
    this.lang = lang;
    this.#lender = lender;
    this.#send = send;
    room.on("producer", this.#onProducer);
    room.on("speaking", this.#onSpeaking);
    room.once("closed", this.#onClosed);
    for (const { producer, sub } of room.producersExcept()) {
      void this.#tap(producer, sub);
    }
  }

  /** Recognisers lent to this Space now. */
  get listening(): number {
    return [...this.#speakers.values()].filter((s) => s.proc).length;
  }

  /** The decoder of a speaker's microphone (tests kill it). */
  decoderPid(sub: string): number | undefined {
    return [...this.#speakers.values()].find((s) => s.tap.sub === sub)?.tap.pid;
  }

  async #tap(producer: ms.Producer, sub: string): Promise<void> {
    if (
      this.#closed || producer.kind !== "audio" || producer.closed ||
      this.#speakers.has(producer.id)
    ) return;
    if (!this.room.mayProduce(sub, "audio")) return;
    try {
      const slot = await this.room.primarySlot();
      if (this.#closed || producer.closed) return;
      const tap = new CaptionTap(slot.router, producer, sub);
      this.#speakers.set(producer.id, {
        tap,
        proc: null,
        hangover: null,
        utterance: null,
        n: 0,
      });
      producer.observer.once("close", () => this.#untap(producer.id));
      tap.onVoice = () => this.#voice(producer.id);
      await tap.start();
      if (this.room.speakingNow.includes(sub)) {
        this.#speaking(this.room.speakingNow);
      }
    } catch (err) {
      if (!producer.closed && !this.#closed) {
        console.error(`sfu: captions tap of ${sub} in ${this.room.name}:`, err);
      }
    }
  }

  #untap(producerId: string): void {
    const s = this.#speakers.get(producerId);
    if (!s) return;
    this.#speakers.delete(producerId);
    this.#stop(s, true);
    s.tap.close();
  }

  #speaking(subs: string[]): void {
    if (this.#closed) return;
    for (const s of this.#speakers.values()) {
      if (subs.includes(s.tap.sub)) {
        if (s.hangover) clearTimeout(s.hangover);
        s.hangover = null;
        this.#start(s);
      } else if (s.proc && !s.hangover) {
        this.#stopAfter(s, HANGOVER_MS);
      }
    }
  }

  /** The tap heard a voice before the observer's report: start now, and stop unless it agrees. */
  #voice(producerId: string): void {
    const s = this.#speakers.get(producerId);
    if (this.#closed || !s || s.proc) return;
    this.#start(s, VOICE_PREROLL_MS);
    if (s.proc) this.#stopAfter(s, VOICE_HOLD_MS);
  }

  /** Gives the speaker's recogniser back after `ms`, unless the observer hears them before. */
  #stopAfter(s: Speaker, ms: number): void {
    s.hangover = setTimeout(() => {
      s.hangover = null;
      this.#stop(s, false);
    }, ms);
    s.hangover.unref();
  }

  #start(s: Speaker, prerollMs = PREROLL_MS): void {
    if (s.proc || s.tap.closed) return;
    if (this.listening >= this.#lender.perSpace) return;
    const proc = this.#lender.acquire(this.lang);
    if (!proc) return;
    s.proc = proc;
    const newUtterance = (at: number) => {
      s.n++;
      s.utterance = {
        id: `${s.tap.producer.id.slice(0, 8)}-${s.n}`,
        startedAt: at,
      };
    };
    newUtterance(Date.now() - prerollMs);
    const line = (text: string, final: boolean) => {
      if (!s.utterance) return;
      this.#enqueue({
        sub: s.tap.sub,
        id: s.utterance.id,
        text,
        final,
        startedAt: s.utterance.startedAt,
        at: Date.now(),
      });
    };
    proc.on("partial", (text) => {
      if (text) line(text, false);
    });
    proc.on("final", (text, pause) => {
      // A final for words never shown as a partial still goes: the page shows it.
      if (text || s.n > 0) line(text, true);
      if (pause) newUtterance(Date.now());
    });
    proc.on("gone", (why) => {
      if (s.proc !== proc) return;
      console.warn(
        `sfu: captions recogniser for ${s.tap.sub} in ${this.room.name} gone (${why}); skipped`,
      );
      s.tap.onPcm = null;
      s.proc = null;
    });
    proc.feed(s.tap.takePreroll(prerollMs));
    s.tap.onPcm = (pcm) => proc.feed(pcm);
  }

  /** The speaker stopped: the recogniser gives its final and goes back (`now`: at once, no final). */
  #stop(s: Speaker, now: boolean): void {
    if (s.hangover) clearTimeout(s.hangover);
    s.hangover = null;
    const proc = s.proc;
    s.proc = null;
    s.tap.onPcm = null;
    if (!proc) return;
    proc.removeAllListeners("partial");
    if (now) {
      proc.removeAllListeners();
      return proc.kill("speaker gone");
    }
    const done = () => {
      clearTimeout(timer);
      proc.removeAllListeners();
      if (proc.gone) return;
      this.#lender.release(proc);
    };
    const timer = setTimeout(() => {
      proc.kill("no final in time");
      done();
    }, FINAL_WAIT_MS);
    timer.unref();
    proc.once("final", () => setImmediate(done));
    proc.once("gone", done);
    proc.end();
  }

  #enqueue(line: Line): void {
    if (this.#closed) return;
    // A partial waiting to go is out of date once newer words of the same utterance come.
    const i = this.#queue.findIndex((q) => q.id === line.id && !q.final);
    if (i >= 0) this.#queue.splice(i, 1);
    this.#queue.push(line);
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const line = this.#queue.shift()!;
        await this.#send(line).catch(() => {});
      }
    } finally {
      this.#sending = false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.room.off("producer", this.#onProducer);
    this.room.off("speaking", this.#onSpeaking);
    this.room.off("closed", this.#onClosed);
    for (const id of [...this.#speakers.keys()]) this.#untap(id);
    this.#queue = [];
  }
}
