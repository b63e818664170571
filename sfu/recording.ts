// Which Spaces this SFU records, and the recording of each: while the host has recording on, every
// microphone of a person the room granted audio is tapped (recorder.ts) into the Space's folder
// under SPAZIO_RECORDINGS_DIR (`spaces/<id>/rec/`, where the web reads it when the Space ends:
// names and line schemas in lib/protocol/recording_files.ts), and
// who the audio-level observer hears speaking is written beside it (`speaking.jsonl`, one line per
// change, wall-clock ms), and whose microphone is on air (`air.jsonl`: a tapped producer not
// paused, the same lines). Off stops the taps; on again adds to the same folder. Only the Space's
// origin records: edges serve listeners, who are never recorded.
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { types as ms } from "mediasoup";
import { activityLineText, RECORDING_FILES, tracksFolder } from "../lib/protocol/recording_files.ts";
import { parseSfuRoom } from "../lib/protocol/sfu.ts";
import { SpaceRecorder } from "./recorder.ts";
import type { ProducerEvent, SfuRoom } from "./room.ts";

/** The folder of a Space's tracks, or undefined for a room name that is no Space's. */
export function tracksDir(root: string, room: string): string | undefined {
  const r = parseSfuRoom(room);
  const folder = r?.kind === "space" ? tracksFolder(r.id) : undefined;
  return folder && path.join(root, ...folder);
}

/** The recording of one SFU room, while it is on. */
export class RoomRecording {
  readonly recorder: SpaceRecorder;
  readonly #room: SfuRoom;
  readonly #speakingFile: string;
  readonly #airFile: string;
  /** Tapped microphones on air now: producer id to sub. */
  readonly #air = new Map<string, string>();
  readonly #unwatch = new Map<string, () => void>();
  #closed = false;
  readonly #onProducer = (ev: ProducerEvent) => {
    if (ev.type === "added") void this.#tap(ev.producer, ev.sub);
  };
  readonly #onSpeaking = (subs: string[]) => this.#speaking(subs);
  readonly #onClosed = () => this.close();

  constructor(room: SfuRoom, dir: string) {
    this.#room = room;
    mkdirSync(dir, { recursive: true });
    this.recorder = new SpaceRecorder({ dir, listenIp: "127.0.0.1" });
    this.#speakingFile = path.join(dir, RECORDING_FILES.speaking);
    this.#airFile = path.join(dir, RECORDING_FILES.air);
    room.on("producer", this.#onProducer);
    room.on("speaking", this.#onSpeaking);
    room.once("closed", this.#onClosed);
    this.#speaking(room.speakingNow);
    for (const { producer, sub } of room.producersExcept()) void this.#tap(producer, sub);
  }

  async #tap(producer: ms.Producer, sub: string): Promise<void> {
    // A microphone of someone the room granted audio; a camera, or anyone else, is never recorded.
    if (this.#closed || producer.kind !== "audio" || producer.closed || !this.#room.mayProduce(sub, "audio")) return;
    try {
      const slot = await this.#room.primarySlot();
      if (this.#closed || producer.closed) return;
      await this.recorder.add(slot.router, producer, sub);
      this.#watchAir(producer, sub);
    } catch (err) {
      if (!producer.closed && !this.#closed) console.error(`sfu: recording ${sub} in ${this.#room.name} failed:`, err);
    }
  }

  #speaking(subs: string[]): void {
    this.#append(this.#speakingFile, subs, "speaking intervals");
  }

  /** Writes down when a tapped microphone goes on and off air (a mute pauses its producer). */
  #watchAir(producer: ms.Producer, sub: string): void {
    if (this.#closed || this.#unwatch.has(producer.id)) return;
    const set = (on: boolean) => {
      const was = this.#air.has(producer.id);
      if (on && !producer.closed) this.#air.set(producer.id, sub);
      else this.#air.delete(producer.id);
      if (was !== this.#air.has(producer.id)) {
        this.#append(this.#airFile, [...new Set(this.#air.values())], "microphones on air");
      }
    };
    const pause = () => set(false);
    const resume = () => set(true);
    const close = () => {
      set(false);
      this.#unwatch.get(producer.id)?.();
    };
    producer.observer.on("pause", pause);
    producer.observer.on("resume", resume);
    producer.observer.on("close", close);
    this.#unwatch.set(producer.id, () => {
      producer.observer.off("pause", pause);
      producer.observer.off("resume", resume);
      producer.observer.off("close", close);
      this.#unwatch.delete(producer.id);
    });
    set(!producer.paused);
  }

  #append(file: string, subs: string[], what: string): void {
    try {
      appendFileSync(file, activityLineText({ at: Date.now(), subs }));
    } catch (err) {
      console.error(`sfu: ${what} of ${this.#room.name} not written:`, err);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#room.off("producer", this.#onProducer);
    this.#room.off("speaking", this.#onSpeaking);
    this.#room.off("closed", this.#onClosed);
    // Whoever was speaking stops being heard here.
    this.#speaking([]);
    for (const off of [...this.#unwatch.values()]) off();
    if (this.#air.size > 0) this.#append(this.#airFile, [], "microphones on air");
    this.#air.clear();
    this.recorder.close();
  }
}

/** The Spaces the rooms asked to record, and the recordings running now. */
export class SpaceRecordings {
  readonly #wanted = new Set<string>();
  readonly #active = new Map<string, RoomRecording>();

  constructor(
    readonly root: string,
    readonly existingRoom: (name: string) => SfuRoom | undefined,
  ) {}

  /** The room's word: record `room` from now on, or stop. Repeating it changes nothing. */
  set(room: string, on: boolean): void {
    if (!tracksDir(this.root, room)) return;
    if (on) {
      this.#wanted.add(room);
      const made = this.existingRoom(room);
      if (made) this.roomMade(made);
    } else {
      this.#wanted.delete(room);
      this.#active.get(room)?.close();
      this.#active.delete(room);
    }
  }

  isOn(room: string): boolean {
    return this.#wanted.has(room);
  }

  /** A room object was made (first peer, or again after it emptied): it records if its Space does. */
  roomMade(room: SfuRoom): void {
    const dir = tracksDir(this.root, room.name);
    if (!dir || !this.#wanted.has(room.name) || room.isEdge || room.closed) return;
    const running = this.#active.get(room.name);
    if (running && !running.recorder.closed) return;
    const rec = new RoomRecording(room, dir);
    this.#active.set(room.name, rec);
    room.once("closed", () => {
      if (this.#active.get(room.name) === rec) this.#active.delete(room.name);
    });
  }

  /** The Space ended: nothing more to record. */
  forget(room: string): void {
    this.set(room, false);
  }

  /** The recording running for a room (tests kill its ffmpeg). */
  active(room: string): RoomRecording | undefined {
    return this.#active.get(room);
  }

  close(): void {
    for (const rec of this.#active.values()) rec.close();
    this.#active.clear();
  }
}
