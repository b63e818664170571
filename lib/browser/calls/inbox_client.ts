// Browser side of a person's inbox room: one reconnecting socket per page, shared by every island
// that wants DMs or ringing. Each (re)connect asks the web for a fresh token, so an expired one
// never locks a long-open tab out. Framework-free; islands subscribe.
import PartySocket from "partysocket";
import { api } from "../api_client.ts";
import { RoomToken } from "../../protocol/api.ts";
import { InboxEvent } from "../../protocol/dm.ts";
import { partyReconnectOptions } from "../../protocol/defaults.ts";

type Listener = (e: InboxEvent) => void;

const PING_EVERY_MS = 45_000;

export class InboxClient {
  readonly #listeners = new Set<Listener>();
  readonly #socket: PartySocket;
  #ping: ReturnType<typeof setInterval>;

  constructor(partyUrl: string, userId: string) {
    const url = new URL(partyUrl);
    this.#socket = new PartySocket({
      host: url.host,
      protocol: url.protocol === "wss:" || url.protocol === "https:" ? "wss" : "ws",
      party: "user",
      room: userId,
      ...partyReconnectOptions(),
      query: async () => {
        const r = await api("POST", "/api/inbox/token", RoomToken);
        // Without a token the room refuses; partysocket backs off and asks again.
        return { token: r.ok ? r.data.token : "" };
      },
    });
    this.#socket.addEventListener("message", (m) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(m.data));
      } catch {
        return;
      }
      const e = InboxEvent.safeParse(raw);
      if (!e.success) return;
      for (const l of this.#listeners) l(e.data);
    });
    this.#ping = setInterval(() => {
      if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify({ type: "ping" }));
    }, PING_EVERY_MS);
  }

  subscribe(l: Listener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  close() {
    clearInterval(this.#ping);
    this.#socket.close();
  }
}

let shared: InboxClient | null = null;

/** The page's one inbox connection (islands share it). */
export function inbox(partyUrl: string, userId: string): InboxClient {
  shared ??= new InboxClient(partyUrl, userId);
  return shared;
}
