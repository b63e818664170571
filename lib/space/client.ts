// SpaceClient: the browser's connection to one Space room, framework-free, exposing signals.
// It fetches fresh tokens from the web on every (re)connect, validates every event with the
// shared protocol, and stops for good when the Space ends or the person is removed.
import { signal } from "@preact/signals";
import PartySocket from "partysocket";
import { type Reaction, SPACE_CLOSE, SpaceCommand, SpaceEvent, type SpaceErrorCode } from "../protocol/space.ts";
import { foldSpaceEvent, type SpaceView } from "../protocol/space_view.ts";

export type { SpaceView };

/** A reaction on its way up the screen. */
export interface Burst {
  id: number;
  emoji: Reaction;
}

export const canModerate = (v: SpaceView) => v.you.role === "host" || v.you.role === "cohost";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "closed";

import type { JoinTokens } from "../spaces/join.ts";
import { partyReconnectOptions } from "../protocol/defaults.ts";

export type { JoinTokens };

/** Why the client stopped for good, to tell the person. */
export type StopReason = "ended" | "removed" | "blocked" | "kicked" | null;

export class SpaceClient {
  readonly view = signal<SpaceView | null>(null);
  readonly connection = signal<ConnectionState>("connecting");
  readonly error = signal<{ code: SpaceErrorCode; message: string } | null>(null);
  readonly bursts = signal<Burst[]>([]);
  readonly stopped = signal<StopReason>(null);
  /** The last tokens fetched; the media client uses the SFU ones. */
  readonly tokens = signal<JoinTokens | null>(null);
  #socket: PartySocket | null = null;
  #burstId = 0;

  constructor(readonly spaceId: string, private initialTokens: JoinTokens | null = null) {}

  /** Fresh tokens for the room and the SFU (the media client asks on every reconnect). */
  refreshTokens(): Promise<JoinTokens> {
    return this.#join();
  }

  async #join(): Promise<JoinTokens> {
    const res = await fetch(`/api/spaces/${encodeURIComponent(this.spaceId)}/join`, { method: "POST", credentials: "same-origin" });
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      const code = json?.error?.code;
      if (code === "space.err.blocked") this.#stop("blocked");
      else if (code === "space.err.removed") this.#stop("removed");
      else if (code === "space.err.ended") this.#stop("ended");
      throw new Error(code ?? `join failed: ${res.status}`);
    }
    this.tokens.value = json as JoinTokens;
    return json as JoinTokens;
  }

  async connect(): Promise<void> {
    const first = this.initialTokens ?? (await this.#join());
    this.tokens.value = first;
    this.initialTokens = null;
    const url = new URL(first.partyUrl);
    let fresh: JoinTokens | null = first;
    this.#socket = new PartySocket({
      host: url.host,
      protocol: url.protocol === "https:" ? "wss" : "ws",
      party: "space",
      room: this.spaceId,
      ...partyReconnectOptions(),
      // Tokens live minutes: every reconnect asks the web for new ones.
      query: async () => {
        const t = fresh ?? (await this.#join());
        fresh = null;
        return { token: t.token };
      },
      maxRetries: 50,
    });
    this.#socket.addEventListener("open", () => (this.connection.value = "connected"));
    this.#socket.addEventListener("close", (e: CloseEvent) => {
      // Closes that reconnecting would not mend stop the client; others reconnect with new tokens.
      if (e.code === SPACE_CLOSE.ended || e.code === SPACE_CLOSE.notFound) this.#stop("ended");
      else if (e.code === SPACE_CLOSE.removed) this.#stop("removed");
      else if (e.code === SPACE_CLOSE.flood || e.code === SPACE_CLOSE.tooBig) {
        this.error.value = { code: "rate_limited", message: e.reason };
        this.#stop("kicked");
      } else if (!this.stopped.value) this.connection.value = "reconnecting";
    });
    this.#socket.addEventListener("message", (e: MessageEvent) => this.#onMessage(e.data));
  }

  #onMessage(data: unknown) {
    let parsed;
    try {
      parsed = SpaceEvent.safeParse(JSON.parse(String(data)));
    } catch {
      return;
    }
    if (!parsed.success) return; // an event this page does not know: ignore rather than break
    const ev = parsed.data;
    if (ev.type === "error") {
      this.error.value = { code: ev.code, message: ev.message };
      return;
    }
    if (ev.type === "reaction") return this.#burst(ev.emoji);
    if (ev.type === "removed") return this.#stop("removed");
    if (ev.type === "sync") {
      const { type: _, ...fresh } = ev;
      this.view.value = fresh;
    } else if (this.view.value) this.view.value = foldSpaceEvent(this.view.value, ev);
    if (ev.type === "ended") this.#stop("ended");
  }

  #burst(emoji: Reaction) {
    const id = ++this.#burstId;
    this.bursts.value = [...this.bursts.value.slice(-20), { id, emoji }];
    setTimeout(() => (this.bursts.value = this.bursts.value.filter((b) => b.id !== id)), 2_500);
  }

  #stop(reason: Exclude<StopReason, null>) {
    this.stopped.value = reason;
    this.connection.value = "closed";
    this.#socket?.close();
  }

  /** Sends a command; an invalid one is refused here too, with the same error the room would give. */
  send(command: SpaceCommand): boolean {
    const ok = SpaceCommand.safeParse(command);
    if (!ok.success) {
      this.error.value = { code: "bad_message", message: ok.error.issues[0].message };
      return false;
    }
    if (!this.#socket || this.#socket.readyState !== WebSocket.OPEN) return false;
    this.error.value = null;
    this.#socket.send(JSON.stringify(command));
    return true;
  }

  close() {
    this.#socket?.close();
    this.connection.value = "closed";
  }
}
