// One recogniser process (child.ts) seen from the SFU: audio in, partial and final text out. It
// never holds audio up: what it is sent waits in the IPC channel, and when it is more than
// BEHIND_MS of speech behind (or dies) it is killed and reported, and its owner moves on.
import { type ChildProcess, fork } from "node:child_process";
import { EventEmitter } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SAMPLE_RATE } from "./engine.ts";
import type { ChildMessage, ParentMessage } from "./messages.ts";

const CHILD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "child.ts",
);
/** Speech not yet recognised past which a recogniser is given up on. */
export const BEHIND_MS = 3_000;
/** Audio kept while the model loads (a fresh process takes 1-2 s). */
const QUEUE_MS = 6_000;

export type RecogniserSpec = { engine: string; lang: string; model: string };

function spawnChild(spec: RecogniserSpec, extra: string[] = []): ChildProcess {
  // The SFU runs under tsx: its loader goes to the child through execArgv.
  return fork(CHILD, [spec.engine, spec.lang, spec.model, ...extra], {
    serialization: "advanced",
    execArgv: process.execArgv.length > 0 ? process.execArgv : ["--import", "tsx"],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
}

/** Loads a model in a child of its own: whether it works, and why not. Never throws. */
export function probeModel(
  spec: RecogniserSpec,
  timeoutMs = 60_000,
): Promise<{ ok: true } | { ok: false; why: string }> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawnChild(spec, ["--probe"]);
    } catch (err) {
      return resolve({ ok: false, why: (err as Error).message });
    }
    let why = "";
    let ready = false;
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-400)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("message", (m: ChildMessage) => {
      if (m.t === "ready") ready = true;
      if (m.t === "error") why = m.message;
    });
    child.on("error", (err) => (why ||= err.message));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (ready && code === 0) return resolve({ ok: true });
      const last = stderr.trim().split("\n").filter((l) => !/^\s+at /.test(l)).pop() ?? "";
      resolve({
        ok: false,
        why: why ||
          `the recogniser process ended (${signal ?? code}) ${last}`.trim(),
      });
    });
  });
}

export type RecogniserEvents = {
  ready: [];
  partial: [string];
  final: [text: string, pause: boolean];
  /** Gone for good: crashed, killed for falling behind, or closed. */
  gone: [reason: string];
};

export class RecogniserProcess extends EventEmitter<RecogniserEvents> {
  readonly spec: RecogniserSpec;
  #child: ChildProcess;
  #ready = false;
  #gone = false;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #sent = 0;
  #acked = 0;
  /** Samples sent in one go when the model was ready: not a sign of falling behind until taken. */
  #flushedTo = 0;

  constructor(spec: RecogniserSpec) {
    super();
    this.spec = spec;
    this.#child = spawnChild(spec);
    this.#child.stderr?.on("data", () => {});
    this.#child.on("message", (m: ChildMessage) => this.#onMessage(m));
    this.#child.on(
      "error",
      (err) => this.#end(`could not run: ${err.message}`),
    );
    this.#child.on(
      "exit",
      (code, signal) => this.#end(`ended (${signal ?? code})`),
    );
  }

  get ready(): boolean {
    return this.#ready;
  }

  get gone(): boolean {
    return this.#gone;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Samples sent and not yet taken. */
  get backlog(): number {
    return this.#sent - this.#acked;
  }

  /** 16 kHz mono s16le. */
  feed(pcm: Uint8Array): void {
    if (this.#gone) return;
    if (!this.#ready) {
      this.#queue.push(pcm);
      this.#queued += pcm.byteLength / 2;
      while (this.#queued > (QUEUE_MS * SAMPLE_RATE) / 1000) {
        this.#queued -= this.#queue.shift()!.byteLength / 2;
      }
      return;
    }
    this.#send({ t: "audio", pcm });
    this.#sent += pcm.byteLength >> 1;
    const allowance = Math.max(0, this.#flushedTo - this.#acked);
    if (this.backlog - allowance > (BEHIND_MS * SAMPLE_RATE) / 1000) {
      this.kill("fell behind");
    }
  }

  /** The speaker stopped: a final comes for what was heard. */
  end(): void {
    if (this.#gone) return;
    if (!this.#ready) this.#queue.push(new Uint8Array(0));
    else this.#send({ t: "end" });
  }

  kill(reason = "closed"): void {
    if (this.#gone) return;
    this.#child.kill("SIGKILL");
    this.#end(reason);
  }

  #send(msg: ParentMessage): void {
    try {
      this.#child.send(msg);
    } catch (err) {
      this.#end(`channel closed: ${(err as Error).message}`);
    }
  }

  #onMessage(m: ChildMessage): void {
    if (this.#gone) return;
    switch (m.t) {
      case "ready": {
        this.#ready = true;
        const queue = this.#queue;
        this.#queue = [];
        this.#queued = 0;
        // An empty chunk in the queue stands for an `end` that came while loading.
        this.#flushedTo = this.#sent +
          queue.reduce((n, c) => n + (c.byteLength >> 1), 0);
        for (const chunk of queue) {
          chunk.byteLength === 0 ? this.end() : this.feed(chunk);
        }
        this.emit("ready");
        return;
      }
      case "ack":
        this.#acked = m.samples;
        return;
      case "partial":
        this.emit("partial", m.text);
        return;
      case "final":
        this.emit("final", m.text, m.pause);
        return;
      case "error":
        this.kill(m.message);
        return;
    }
  }

  #end(reason: string): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#queue = [];
    this.emit("gone", reason);
  }
}
