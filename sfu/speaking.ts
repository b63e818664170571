// Who is speaking, from the primary router's AudioLevelObserver, told to the room only when the
// set of speakers changes, so a Space of thousands gets a few messages per second at most.
import type { types as ms } from "mediasoup";
import type { SfuNotification } from "../lib/protocol/sfu.ts";

export class SpeakingTracker {
  #observer: ms.AudioLevelObserver | null = null;
  #subs = new Map<string, string>();
  #last = "";
  #emit: (msg: SfuNotification) => void;

  constructor(emit: (msg: SfuNotification) => void) {
    this.#emit = emit;
  }

  attach(observer: ms.AudioLevelObserver): void {
    this.detach();
    this.#observer = observer;
    observer.on("volumes", (volumes) => {
      const speaking = volumes
        .map((v) => ({ sub: this.#subs.get(v.producer.id), volume: v.volume }))
        .filter((v): v is { sub: string; volume: number } => v.sub !== undefined);
      this.#publish(speaking.map((v) => v.sub), speaking.map((v) => Math.round(v.volume)));
    });
    observer.on("silence", () => this.#publish([], []));
  }

  add(producer: ms.Producer, sub: string): void {
    this.#subs.set(producer.id, sub);
    if (this.#observer && !this.#observer.closed) {
      this.#observer.addProducer({ producerId: producer.id }).catch(() => {});
    }
  }

  remove(producerId: string): void {
    this.#subs.delete(producerId);
  }

  detach(): void {
    this.#observer?.removeAllListeners("volumes");
    this.#observer?.removeAllListeners("silence");
    this.#observer = null;
    this.#subs.clear();
    if (this.#last !== "") this.#publish([], []);
  }

  #publish(subs: string[], levels: number[]): void {
    const key = subs.join(",");
    if (key === this.#last) return;
    this.#last = key;
    this.#emit({ type: "speaking", subs, levels });
  }
}
