// The SFU process: a worker pool, the rooms, and one HTTP server carrying the signalling
// WebSocket (/ws), the control API (/control/*), the SFU <-> SFU API (/internal/*, when it is
// one of several: SPAZIO_SFU_PEERS) and a health check (/healthz).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SfuCloseCode } from "../lib/protocol/sfu.ts";
import { Admission, PartyCallSource } from "./admission.ts";
import type { SfuConfig } from "./config.ts";
import { applyGrant, handleControl } from "./control.ts";
import { EdgeUpstream } from "./edge.ts";
import { GrantTable, PartyGrantSource } from "./grants.ts";
import { replyJson } from "./http-json.ts";
import { handleInternal } from "./internal-api.ts";
import { internalPoster } from "./internal-client.ts";
import { sfuRecording } from "../lib/protocol/internal_api.ts";
import { OriginLinks } from "./origin-links.ts";
import { SpaceRecordings } from "./recording.ts";
import { SpaceRelay } from "./relay.ts";
import { type RoomDeps, type RoomHealth, SfuRoom } from "./room.ts";
import { Signalling } from "./signalling.ts";
import { type WorkerHealth, WorkerPool } from "./worker-pool.ts";

/** What `GET /healthz` answers; `ok` is false while a dead worker is being replaced or on the way down. */
export type SfuHealth = {
  ok: boolean;
  workers: { expected: number; alive: number; replacing: number };
  workerList: WorkerHealth[];
  /** Routers over every room. */
  routers: number;
  rooms: RoomHealth[];
  /** This SFU's id in SPAZIO_SFU_PEERS ("" when alone). */
  sfuId: string;
  /**
   * What the web places listeners by: connected peers, and peers per live worker (`score`,
   * lower is emptier; a dead or stopping SFU is not placed on at all).
   */
  load: { peers: number; workers: number; score: number };
};

const PRUNE_MS = 60_000;
/** How long a stopping SFU waits for its peers to take the close frame. */
const STOP_GRACE_MS = 1_000;

export class SfuServer {
  readonly config: SfuConfig;
  readonly pool: WorkerPool;
  readonly grants = new GrantTable();
  /** The Spaces this SFU records (on their origin), as the rooms asked. */
  readonly recordings: SpaceRecordings;
  #rooms = new Map<string, SfuRoom>();
  #http: http.Server;
  #signalling: Signalling;
  #party: PartyGrantSource;
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
    const post = internalPoster(config.serverSecret);
    this.#links = new OriginLinks({
      config,
      grants: this.grants,
      post,
      roomFor: (name) => this.#roomFor(name),
      existingRoom: (name) => this.#rooms.get(name),
    });
    this.#relay = new SpaceRelay(config, this.#links, post);
    const admission = new Admission({
      grants: this.grants,
      spaces: this.#party,
      calls: new PartyCallSource(config.partyUrl, config.serverSecret),
    });
    this.#signalling = new Signalling({
      roomSecret: config.roomSecret,
      allowedOrigins: config.allowedOrigins,
      admission,
      roomFor: (name) => this.#roomFor(name),
    });
    this.#http = http.createServer((req, res) => this.#onRequest(req, res));
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
    await new Promise<void>((resolve, reject) => {
      server.#http.once("error", reject);
      server.#http.listen(config.port, config.host, () => resolve());
    });
    return server;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  room(name: string): SfuRoom | undefined {
    return this.#rooms.get(name);
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
      const deps: RoomDeps = { config: this.config, pool: this.pool, grants: this.grants, party: this.#party };
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

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? "/", "http://sfu").pathname;
    if (path === "/healthz") {
      const health = this.health();
      // 200 either way: a watcher reads `ok`; a 503 would hide what is wrong from it.
      replyJson(res, 200, health);
    } else if (path.startsWith("/control/")) {
      void handleControl(req, res, {
        serverSecret: this.config.serverSecret,
        grants: this.grants,
        existingRoom: (name) => this.#rooms.get(name),
        relay: this.config.peers.length > 0 ? this.#relay : undefined,
        recordings: this.recordings,
        forwardRecording: (room, on) => this.#forwardRecording(room, on),
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
    this.#links.stop();
    await this.#signalling.close(STOP_GRACE_MS);
    this.pool.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
