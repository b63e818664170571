// An edge room's pipe from its Space's origin: a PipeTransport on the room's primary router,
// opened on the room's first peer (lib/protocol/sfu_edge.ts), with a pipe producer (same id) per
// producer of the origin, so the edge's listeners consume them as they would local ones. The
// origin's events keep them in step; the pipe is renewed while the room lives, rebuilt when the
// origin loses it, and closed with the room (after its last listener leaves).
import type { types as ms } from "mediasoup";
import { pipeClose, pipeOpen, pipeRenew } from "../lib/protocol/internal_api.ts";
import {
  PIPE_RENEW_MS,
  type PipedProducer,
  type PipeEvent,
  type PipeLinkRequest,
  type SfuEntry,
} from "../lib/protocol/sfu_edge.ts";
import type { GrantRequest } from "../lib/protocol/sfu.ts";
import type { SfuConfig } from "./config.ts";
import { SfuError } from "./errors.ts";
import { type InternalPost, refusalOf } from "./internal-client.ts";
import { pipeTransportOptions } from "./media.ts";
import type { SfuRoom, Upstream } from "./room.ts";

export type EdgeDeps = {
  config: SfuConfig;
  origin: SfuEntry;
  post: InternalPost;
  /** Grants the origin holds, applied as if the room had pushed them here. */
  applyGrant(grant: GrantRequest): Promise<void>;
  closed(upstream: EdgeUpstream): void;
};

type Pipe = { link: string; transport: ms.PipeTransport };

/** Waits before opening again after the pipe was lost, growing while the origin stays away. */
const REOPEN_MS = [100, 500, 1_000, 2_000, 5_000];

export class EdgeUpstream implements Upstream {
  readonly room: SfuRoom;
  #deps: EdgeDeps;
  #pipe: Pipe | null = null;
  #opening: Promise<void> | null = null;
  // Events are applied one at a time, after the open they belong to.
  #events: Promise<unknown> = Promise.resolve();
  #renew: NodeJS.Timeout;
  #reopenAttempt = 0;
  #closed = false;

  constructor(room: SfuRoom, deps: EdgeDeps) {
    this.room = room;
    this.#deps = deps;
    this.#renew = setInterval(() => void this.#renewNow(), PIPE_RENEW_MS);
    this.#renew.unref();
    // Opened at once rather than on the first `consume`: the origin forwards the room's grants
    // to the edges it knows, so a removal reaches a listener who has not started receiving yet.
    setImmediate(() => void this.ready().catch(() => {}));
  }

  get open(): boolean {
    return this.#pipe !== null;
  }

  get origin(): SfuEntry {
    return this.#deps.origin;
  }

  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new SfuError("conflict", "room is closed"));
    if (this.#pipe) return Promise.resolve();
    if (!this.#opening) {
      const opening = this.#open();
      this.#opening = opening;
      const done = () => {
        if (this.#opening === opening) this.#opening = null;
      };
      opening.then(done, done);
    }
    return this.#opening;
  }

  async #open(): Promise<void> {
    const { config, origin, post } = this.#deps;
    const slot = await this.room.primarySlot();
    const transport = await slot.router.createPipeTransport(pipeTransportOptions(config));
    try {
      const { localIp, localPort } = transport.tuple;
      const srtp = transport.srtpParameters;
      if (!srtp) throw new SfuError("internal", "the pipe transport was made without SRTP");
      const answer = await post(origin.url, pipeOpen, {
        room: this.room.name,
        edge: config.sfuId,
        ip: localIp,
        port: localPort,
        srtp,
      });
      if (!answer.ok) {
        const { code } = answer.error;
        if (code === "unreachable") {
          throw new SfuError("unavailable", `the media server at ${origin.url} could not be reached`);
        }
        if (code === "bad_answer") {
          throw new SfuError("unavailable", "the Space's origin media server answered the pipe request wrongly");
        }
        throw new SfuError(
          "unavailable",
          `the Space's origin media server (${origin.id}) refused the pipe (${refusalOf(answer.error)})`,
        );
      }
      const opened = answer.data;
      if (this.#closed) {
        void post(origin.url, pipeClose, this.#linkRequest(opened.link));
        throw new SfuError("conflict", "room is closed");
      }
      await transport.connect({ ip: opened.ip, port: opened.port, srtpParameters: opened.srtp as ms.SrtpParameters });
      if (this.#closed) {
        void post(origin.url, pipeClose, this.#linkRequest(opened.link));
        throw new SfuError("conflict", "room is closed");
      }
      const pipe = { link: opened.link, transport };
      this.#pipe = pipe;
      this.#reopenAttempt = 0;
      transport.observer.once("close", () => this.#lost(pipe));
      for (const grant of opened.grants) await this.#deps.applyGrant(grant);
      for (const p of opened.producers) await this.#produce(pipe, p);
    } catch (err) {
      transport.close();
      if (err instanceof SfuError) throw err;
      throw new SfuError(
        "unavailable",
        `the Space's origin media server could not be reached (${err instanceof Error ? err.message : err})`,
      );
    }
  }

  /**
   * An event from the origin; false when it is about a pipe this edge does not have (the origin
   * then drops it). Waits for an open in progress, since the origin may speak before it answers.
   */
  handleEvent(ev: PipeEvent): Promise<boolean> {
    const run = this.#events.then(async () => {
      await this.#opening?.catch(() => {});
      const pipe = this.#pipe;
      if (!pipe || pipe.link !== ev.link) return false;
      switch (ev.type) {
        case "producerAdded":
          await this.#produce(pipe, ev.producer);
          break;
        case "producerClosed":
          this.room.remoteProducerClosed(ev.producerId);
          break;
        case "producerPaused":
        case "producerResumed":
          await this.room.remoteProducerPaused(
            ev.producerId,
            ev.type === "producerPaused",
            ev.type === "producerPaused" ? ev.by : undefined,
          );
          break;
        case "pipeClosed":
          pipe.transport.close();
          break;
      }
      return true;
    });
    this.#events = run.catch(() => {});
    return run;
  }

  async #produce(pipe: Pipe, p: PipedProducer): Promise<void> {
    if (pipe.transport.closed) return;
    try {
      const producer = await pipe.transport.produce({
        id: p.producerId,
        kind: p.kind,
        rtpParameters: p.rtpParameters as ms.RtpParameters,
        paused: p.paused,
        appData: { source: p.source, sub: p.sub },
      });
      this.room.remoteProducerAdded(producer, p.sub, p.pausedBy);
    } catch (err) {
      if (!pipe.transport.closed) {
        console.error(`sfu: piping producer ${p.producerId} into ${this.room.name} failed:`, err);
      }
    }
  }

  /** The pipe is gone (the origin lost it, the lease lapsed, the router died): open it again while people are here. */
  #lost(pipe: Pipe): void {
    if (this.#pipe !== pipe) return;
    this.#pipe = null;
    if (this.#closed || this.room.closed) return;
    const wait = REOPEN_MS[Math.min(this.#reopenAttempt++, REOPEN_MS.length - 1)];
    const retry = () => {
      if (this.#closed || this.room.closed || this.#pipe) return;
      this.ready().catch(() =>
        setTimeout(retry, REOPEN_MS[Math.min(this.#reopenAttempt++, REOPEN_MS.length - 1)]).unref()
      );
    };
    setTimeout(retry, wait).unref();
  }

  async #renewNow(): Promise<void> {
    const pipe = this.#pipe;
    if (!pipe || this.#closed) return;
    try {
      const answer = await this.#deps.post(this.#deps.origin.url, pipeRenew, this.#linkRequest(pipe.link));
      // The origin forgot this pipe (it restarted, or dropped it): build a new one.
      if (!answer.ok && answer.error.status === 404 && this.#pipe === pipe) pipe.transport.close();
    } catch {
      // Unreachable for now: the next renewal tries again; the origin's lease is longer.
    }
  }

  #linkRequest(link: string): PipeLinkRequest {
    return { room: this.room.name, edge: this.#deps.config.sfuId, link };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renew);
    const pipe = this.#pipe;
    this.#pipe = null;
    if (pipe) {
      void this.#deps.post(this.#deps.origin.url, pipeClose, this.#linkRequest(pipe.link));
      pipe.transport.close();
    }
    this.#deps.closed(this);
  }
}
