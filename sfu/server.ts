// The SFU process: a worker pool, the rooms, and one HTTP server carrying the signalling
// WebSocket (/ws), the control API (/control/*) and a health check (/healthz).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { SfuConfig } from "./config.ts";
import { handleControl } from "./control.ts";
import { GrantTable, PartyGrantSource } from "./grants.ts";
import { SfuRoom } from "./room.ts";
import { Signalling } from "./signalling.ts";
import { WorkerPool } from "./worker-pool.ts";

export class SfuServer {
  readonly config: SfuConfig;
  readonly pool: WorkerPool;
  readonly grants = new GrantTable();
  #rooms = new Map<string, SfuRoom>();
  #http: http.Server;
  #signalling: Signalling;
  #party: PartyGrantSource;
  #closed = false;

  private constructor(config: SfuConfig, pool: WorkerPool) {
    this.config = config;
    this.pool = pool;
    this.#party = new PartyGrantSource(config.partyUrl, config.serverSecret);
    this.#signalling = new Signalling({ roomSecret: config.roomSecret, roomFor: (name) => this.#roomFor(name) });
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

  #roomFor(name: string): SfuRoom {
    let room = this.#rooms.get(name);
    if (!room || room.closed) {
      const made = SfuRoom.create(name, { config: this.config, pool: this.pool, grants: this.grants, party: this.#party });
      // An empty room frees its routers; grants stay in the table for when people come back.
      made.once("empty", () => made.close());
      made.once("closed", () => {
        if (this.#rooms.get(name) === made) this.#rooms.delete(name);
      });
      this.#rooms.set(name, made);
      room = made;
    }
    return room;
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? "/", "http://sfu").pathname;
    if (path === "/healthz") {
      let routers = 0;
      for (const room of this.#rooms.values()) routers += room.routerCount;
      const body = { ok: !this.#closed, workers: this.pool.workers.length, rooms: this.#rooms.size, routers };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    } else if (path.startsWith("/control/")) {
      void handleControl(req, res, {
        serverSecret: this.config.serverSecret,
        grants: this.grants,
        existingRoom: (name) => this.#rooms.get(name),
      });
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, code: "not_found" }));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of [...this.#rooms.values()]) room.close();
    this.#rooms.clear();
    this.#signalling.close();
    this.pool.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
