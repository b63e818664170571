// The parties' side of the SFU's admission pulls, as a small signed HTTP endpoint: a Space room
// answering getGrant and a call room answering state, as lib/protocol/sfu.ts states the contract.
// The real PartyKit rooms are covered by the Deno tests; here a test sets what the rooms decided.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { DEV_SERVER_SECRET } from "../../../lib/protocol/defaults.ts";
import type { CallStatus, CallView } from "../../../lib/protocol/call.ts";
import { GetGrantRequest, type GetGrantResponse } from "../../../lib/protocol/sfu.ts";
import { verifyRequest } from "../../../lib/protocol/token.ts";

export type Asked = { party: "space" | "call"; room: string; sub?: string };

export class FakeParty {
  /** Grants by `${spaceId} ${sub}`; anyone else gets `fallback`. */
  readonly grants = new Map<string, GetGrantResponse>();
  fallback: GetGrantResponse = { canSpeak: false, muted: true, admitted: true, video: false, seq: 0 };
  readonly calls = new Map<string, CallView>();
  readonly asked: Asked[] = [];
  /** When true every request is cut off, as an unreachable room would be. */
  down = false;
  #server: http.Server;

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeParty> {
    const server = http.createServer();
    const party = new FakeParty(server);
    server.on("request", (req, res) => party.#handle(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return party;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  grant(spaceId: string, sub: string, g: Partial<GetGrantResponse>): void {
    this.grants.set(`${spaceId} ${sub}`, { ...this.fallback, ...g });
  }

  call(callId: string, caller: string, callee: string, status: CallStatus): void {
    const person = (sub: string) => ({ sub, handle: sub.slice(2, 12), name: sub });
    this.calls.set(callId, {
      callId,
      caller: person(caller),
      callee: person(callee),
      video: false,
      status,
      createdAt: 1,
      ringUntil: 2,
      acceptedAt: status === "accepted" || status === "ended" ? 2 : null,
      endedAt: status === "accepted" || status === "ringing" ? null : 3,
      endedBy: null,
    });
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.down) return void req.socket.destroy();
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const signed = await verifyRequest(DEV_SERVER_SECRET, body, { get: (n) => (req.headers[n] as string) ?? null });
      const m = /^\/parties\/(space|call)\/([^/]+)$/.exec(req.url ?? "");
      if (!signed || !m) return res.writeHead(401).end();
      const [, party, room] = m;
      const json = JSON.parse(body || "null");
      res.setHeader("content-type", "application/json");
      if (party === "space") {
        const parsed = GetGrantRequest.safeParse(json);
        if (!parsed.success) return res.writeHead(400).end("{}");
        this.asked.push({ party, room, sub: parsed.data.sub });
        return res.end(JSON.stringify(this.grants.get(`${room} ${parsed.data.sub}`) ?? this.fallback));
      }
      if (json?.type !== "state") return res.writeHead(400).end("{}");
      this.asked.push({ party: "call", room });
      const call = this.calls.get(room);
      if (!call) {
        return res.writeHead(404).end(JSON.stringify({ ok: false, code: "not_found", message: "No such call." }));
      }
      res.end(JSON.stringify({ ok: true, call }));
    });
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.#server.closeAllConnections();
      this.#server.close(() => r());
    });
  }
}
