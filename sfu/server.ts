// The SFU process: a worker pool, the rooms, and its HTTP surfaces: the browsers' signalling
// WebSocket (/ws) and a public health check (/healthz: whole or not, and load; no room ids, no
// pids) on the public listener; the control API (/control/*, with the signed detail of health at
// /control/health) and the SFU <-> SFU API (/internal/*, when it is one of several:
// SPAZIO_SFU_PEERS) on the internal listener (SPAZIO_SFU_INTERNAL_PORT) when one is set, else on
// the same listener (every one of them refuses a request not signed with the server secret).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SfuCloseCode } from "../lib/protocol/sfu.ts";
import type { SfuHealth, SfuHealthSummary } from "../lib/protocol/sfu_health.ts";
import { Admission, PartyCallSource } from "./admission.ts";
import type { SfuConfig } from "./config.ts";
import { applyGrant, handleControl } from "./control.ts";
import { EdgeUpstream } from "./edge.ts";
import { GrantTable, PartyGrantSource } from "./grants.ts";
import { replyJson } from "./http-json.ts";
import { handleInternal } from "./internal-api.ts";
import { internalPoster } from "./internal-client.ts";
import { sfuHealth, sfuRecording } from "../lib/protocol/internal_api.ts";
import { readSignedBody } from "./signed_request.ts";
import { SfuError } from "./errors.ts";
import { OriginLinks } from "./origin-links.ts";
import { SpaceRecordings } from "./recording.ts";
import { SpaceRelay } from "./relay.ts";
import { Captions } from "./captions/service.ts";
import { type RoomDeps, SfuRoom } from "./room.ts";
import { Signalling } from "./signalling.ts";
import { WorkerPool } from "./worker-pool.ts";

export type { SfuHealth };

const PRUNE_MS = 60_000;
/** How long a stopping SFU waits for its peers to take the close frame. */
const STOP_GRACE_MS = 1_000;

export class SfuServer {
  readonly config: SfuConfig;
  readonly pool: WorkerPool;
  readonly grants = new GrantTable();
  /** The Spaces this SFU records (on their origin), as the rooms asked. */
  readonly recordings: SpaceRecordings;
  /** Live captions of the Spaces whose origin this is, when the config has them. */
  readonly captions: Captions | null;
  #rooms = new Map<string, SfuRoom>();
  #http: http.Server;
  /** The control, internal and detailed health endpoints, when SPAZIO_SFU_INTERNAL_PORT is set. */
  #internalHttp: http.Server | null;
  #signalling: Signalling;
  #party: PartyGrantSource;
  #admission: Admission;
  #links: OriginLinks;
  #relay: SpaceRelay;
  #upstreams = new Map<string, EdgeUpstream>();
  #prune: NodeJS.Timeout;
  #closed = false;

  private constructor(config: SfuConfig, pool: WorkerPool) {
    this.config = config;
    this.pool = pool;
    this.#party = new PartyGrantSource(config.partyUrl, config.serverSecret);
    this.recordings = new SpaceRecordings(config.recordingsDir, (name) => this.#rooms.get(name));
    // The grant answers say whether the Space records: after a restart, its first pull restores it.
    this.#party.onRecording = (room, on) => {
      if (this.#relay.isOrigin(room)) this.recordings.set(room, on);
    };
    this.#party.onCaptions = (room, lang) => {
      if (this.#relay.isOrigin(room)) this.captions?.heal(room, lang);
    };
    const post = internalPoster(config.serverSecret);
    this.#links = new OriginLinks({
      config,
      grants: this.grants,
      post,
      roomFor: (name) => this.#roomFor(name),
      existingRoom: (name) => this.#rooms.get(name),
    });
    this.#relay = new SpaceRelay(config, this.#links, post);
    this.captions = config.captions
      ? new Captions({
        ...config.captions,
        partyUrl: config.partyUrl,
        serverSecret: config.serverSecret,
        isOrigin: (room) => this.#relay.isOrigin(room),
        existingRoom: (name) => this.#rooms.get(name),
      })
      : null;
    this.#admission = new Admission({
      grants: this.grants,
      spaces: this.#party,
      calls: new PartyCallSource(config.partyUrl, config.serverSecret),
    });
    this.#signalling = new Signalling({
      roomSecret: config.roomSecret,
      allowedOrigins: config.allowedOrigins,
      admission: this.#admission,
      roomFor: (name) => this.#roomFor(name),
    });
    this.#internalHttp = config.internalPort === undefined
      ? null
      : http.createServer((req, res) => this.#onRequest(req, res, "internal"));
    this.#http = http.createServer((req, res) => this.#onRequest(req, res, this.#internalHttp ? "public" : "both"));
    this.#http.on("upgrade", (req, socket, head) => {
      socket.on("error", () => socket.destroy());
      this.#signalling.handleUpgrade(req, socket, head).catch(() => socket.destroy());
    });
    pool.on("workerDied", (worker) => {
      for (const room of this.#rooms.values()) {
        room.workerDied(worker).catch((err) => console.error(`sfu: rebuilding ${room.name} failed:`, err));
      }
    });
    this.#prune = setInterval(() => this.grants.prune((room, sub) => !!this.#rooms.get(room)?.peer(sub)), PRUNE_MS);
    this.#prune.unref();
  }

  static async create(config: SfuConfig): Promise<SfuServer> {
    const pool = await WorkerPool.create(config);
    const server = new SfuServer(config, pool);
    const listen = (h: http.Server, port: number, host: string) =>
      new Promise<void>((resolve, reject) => {
        h.once("error", reject);
        h.listen(port, host, () => resolve());
      });
    await listen(server.#http, config.port, config.host);
    if (server.#internalHttp) await listen(server.#internalHttp, config.internalPort!, config.internalHost);
    return server;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  /** The internal listener's port, when there is one. */
  get internalPort(): number | undefined {
    return this.#internalHttp ? (this.#internalHttp.address() as AddressInfo).port : undefined;
  }

  room(name: string): SfuRoom | undefined {
    return this.#rooms.get(name);
  }

  /** What anyone may know: whole or not, and how loaded (the public `/healthz`). */
  healthSummary(): SfuHealthSummary {
    const { ok, sfuId, workers, load } = this.health();
    return { ok, sfuId, workers, load };
  }

  health(): SfuHealth {
    const edged = this.config.peers.length > 0;
    const rooms = [...this.#rooms.values()].map((r) => {
      const h = r.health();
      return edged && h.role === "origin" && r.kind === "space" ? { ...h, edges: this.#links.count(r.name) } : h;
    });
    const alive = this.pool.workers.length;
    const replacing = this.pool.replacing;
    const peers = rooms.reduce((n, r) => n + r.peers, 0);
    return {
      ok: !this.#closed && replacing === 0 && alive >= this.pool.expected,
      workers: { expected: this.pool.expected, alive, replacing },
      workerList: this.pool.health(),
      routers: rooms.reduce((n, r) => n + r.routers, 0),
      rooms,
      sfuId: this.config.sfuId,
      load: { peers, workers: alive, score: Math.round((peers / Math.max(1, alive)) * 100) / 100 },
    };
  }

  /** Pipes to edges this origin holds for a room, for tests and health. */
  edgeLinks(room: string): number {
    return this.#links.count(room);
  }

  #roomFor(name: string): SfuRoom {
    let room = this.#rooms.get(name);
    if (!room || room.closed) {
      const { config, pool, grants } = this;
      const deps: RoomDeps = { config, pool, grants, party: this.#party, calls: this.#admission };
      const origin = this.#relay.originOf(name);
      if (origin && origin.id !== this.config.sfuId) deps.upstream = (room) => this.#edgeUpstream(room, origin);
      const made = SfuRoom.create(name, deps);
      // An empty room frees its routers, unless edges still draw on it; grants stay in the table
      // for when people come back.
      made.on("empty", () => {
        if (!this.#links.linked(name)) made.close();
      });
      made.on("producer", (ev) => this.#links.producerEvent(made, ev));
      made.once("closed", () => {
        if (this.#rooms.get(name) === made) this.#rooms.delete(name);
        this.#links.roomClosed(name);
      });
      this.#rooms.set(name, made);
      this.recordings.roomMade(made);
      this.captions?.roomMade(made);
      room = made;
    }
    return room;
  }

  #edgeUpstream(room: SfuRoom, origin: NonNullable<ReturnType<SpaceRelay["originOf"]>>): EdgeUpstream {
    const upstream = new EdgeUpstream(room, {
      config: this.config,
      origin,
      post: internalPoster(this.config.serverSecret),
      applyGrant: async (grant) =>
        void (await applyGrant({ grants: this.grants, existingRoom: (n) => this.#rooms.get(n) }, grant)),
      closed: (u) => {
        if (this.#upstreams.get(room.name) === u) this.#upstreams.delete(room.name);
      },
    });
    this.#upstreams.set(room.name, upstream);
    return upstream;
  }

  /**
   * `public`: the browsers' listener when an internal one exists (only /healthz here; /ws is an
   * upgrade); `internal`: that internal listener; `both`: the one listener of a simple set-up.
   */
  #onRequest(req: http.IncomingMessage, res: http.ServerResponse, surface: "public" | "internal" | "both"): void {
    const path = new URL(req.url ?? "/", "http://sfu").pathname;
    if (path === "/healthz") {
      // 200 either way: a watcher reads `ok`; a 503 would hide what is wrong from it.
      replyJson(res, 200, this.healthSummary());
    } else if (surface === "public") {
      replyJson(res, 404, { ok: false, code: "not_found", message: `no endpoint ${path}` });
    } else if (path === sfuHealth.path()) {
      void this.#detailedHealth(req, res);
    } else if (path.startsWith("/control/")) {
      void handleControl(req, res, {
        serverSecret: this.config.serverSecret,
        grants: this.grants,
        existingRoom: (name) => this.#rooms.get(name),
        relay: this.config.peers.length > 0 ? this.#relay : undefined,
        recordings: this.recordings,
        forwardRecording: (room, on) => this.#forwardRecording(room, on),
        captions: this.captions ?? undefined,
      });
    } else if (path.startsWith("/internal/")) {
      void handleInternal(req, res, {
        config: this.config,
        grants: this.grants,
        links: this.#links,
        relay: this.#relay,
        existingRoom: (name) => this.#rooms.get(name),
        upstreamOf: (name) => this.#upstreams.get(name),
        recordings: this.recordings,
      });
    } else {
      replyJson(res, 404, { ok: false, code: "not_found", message: `no endpoint ${path}` });
    }
  }

  /** Every room and worker, for a request signed with the server secret. */
  async #detailedHealth(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      if (req.method !== "GET") throw new SfuError("bad_request", "health is a GET");
      await readSignedBody(req, this.config.serverSecret, 0);
      replyJson(res, 200, this.health());
    } catch (err) {
      const e = err instanceof SfuError ? err : new SfuError("bad_request", "the request was refused");
      replyJson(res, e.status, { ok: false, code: e.code, message: e.message });
    }
  }

  /** Sends the room's recording switch on to the Space's origin when that is another SFU. */
  #forwardRecording(room: string, on: boolean): boolean {
    const origin = this.#relay.originOf(room);
    if (!origin || origin.id === this.config.sfuId) return false;
    // The control API takes the same signature as the internal one: the server secret.
    void internalPoster(this.config.serverSecret)(origin.url, sfuRecording, { room, on }).then((a) => {
      if (a.ok) return;
      if (a.error.code === "unreachable") {
        console.warn(`sfu: could not pass the recording switch for ${room} on to ${origin.id}`);
      } else console.warn(`sfu: ${origin.id} refused the recording switch for ${room} (${a.error.status})`);
    });
    return true;
  }

  /**
   * Stops the SFU. Peers are told 1012 (service restart: the Space goes on, connect again), not
   * the room-closed code, which browsers read as the end of the Space or the call.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#prune);
    const kick = { code: SfuCloseCode.serviceRestart, reason: "media server restarting" };
    for (const room of [...this.#rooms.values()]) room.close(kick);
    this.#rooms.clear();
    this.recordings.close();
    this.captions?.close();
    this.#links.stop();
    await this.#signalling.close(STOP_GRACE_MS);
    this.pool.close();
    for (const h of [this.#http, this.#internalHttp]) {
      if (!h) continue;
      h.closeAllConnections();
      await new Promise<void>((resolve) => h.close(() => resolve()));
    }
  }
}
