// SpaceClient: the browser's connection to one Space, framework-free, exposing signals.
// It connects where its tokens say: the Space room itself, or (a plain listener of a Space with
// audience shards) the shard the web named. It fetches fresh tokens from the web on every
// (re)connect, validates every event with the shared protocol, and stops for good when the Space
// ends or the person is removed.
//
// A listener on a shard who raises a hand, is invited or is brought on stage moves to the Space
// room (the room holds the people with a part to play): a second socket opens there while the
// shard's goes on, and when the room's `sync` arrives it replaces the view (a snapshot, so
// nothing the shard already delivered is applied twice) and the shard's socket is closed, so every
// later delta comes from the room once. The media (the SFU session) is not touched. Someone who
// goes back to the audience stays on the room (it takes anyone with a Space token) until their
// next reconnect, which follows the web's plan again.
import { signal } from "@preact/signals";
import { WebSocket as ReconnectingWebSocket } from "partysocket";
import { type Reaction, SPACE_CLOSE, SpaceCommand, type SpaceErrorCode, SpaceEvent } from "../../protocol/space.ts";
import { foldSpaceEvent, type SpaceView } from "../../protocol/space_view.ts";
import { JoinTokens } from "../../protocol/space_audience.ts";
import { partyReconnectOptions } from "../../protocol/defaults.ts";
import { CaptionLines } from "./captions.ts";

export type { JoinTokens, SpaceView };

/** A reaction on its way up the screen. */
export interface Burst {
  id: number;
  emoji: Reaction;
}

export const canModerate = (v: SpaceView) => v.you.role === "host" || v.you.role === "cohost";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "closed";

/** Why the client stopped for good, to tell the person. */
export type StopReason = "ended" | "removed" | "blocked" | "kicked" | null;

/** Where a room connection goes: the Space room or an audience shard. */
export type PartyName = JoinTokens["party"];

/** Floats shown for one shard's summed reactions: enough to see a burst, never a flood. */
const MAX_FLOATS_PER_BURST = 6;
/** A move that failed (the room unreachable, the web said "audience") is tried again after this. */
const MOVE_RETRY_MS = 3_000;

/** One reconnecting socket and where it connected last. */
interface Link {
  ws: ReconnectingWebSocket;
  party: PartyName | null;
}

/** The WebSocket URL of the party room the tokens name, with the connection's id. */
export function partySocketUrl(t: JoinTokens, pk: string): string {
  const base = new URL(t.partyUrl);
  const protocol = base.protocol === "https:" ? "wss:" : "ws:";
  const q = new URLSearchParams({ _pk: pk, token: t.token });
  return `${protocol}//${base.host}/parties/${t.party}/${encodeURIComponent(t.room)}?${q}`;
}

export class SpaceClient {
  readonly view = signal<SpaceView | null>(null);
  /** Counts the syncs: each is a connection that knows nothing this page told the one before. */
  readonly syncs = signal(0);
  readonly connection = signal<ConnectionState>("connecting");
  readonly error = signal<{ code: SpaceErrorCode; message: string } | null>(null);
  readonly bursts = signal<Burst[]>([]);
  readonly stopped = signal<StopReason>(null);
  /** The last tokens fetched; the media client uses the SFU ones. */
  readonly tokens = signal<JoinTokens | null>(null);
  /** Where the room connection goes now: the Space room or an audience shard. */
  readonly party = signal<PartyName | null>(null);
  /** Live captions as they come (shown when the person turned them on). */
  readonly captions = new CaptionLines();
  #link: Link | null = null;
  /** The Space room's socket while a listener moves there from their shard. */
  #moving: Link | null = null;
  #moveAgainAt = 0;
  #moveTimer: ReturnType<typeof setTimeout> | undefined;
  #burstId = 0;

  constructor(readonly spaceId: string, private initialTokens: JoinTokens | null = null) {}

  /** Fresh tokens for the room and the SFU (the media client asks on every reconnect). */
  refreshTokens(): Promise<JoinTokens> {
    return this.#join();
  }

  async #join(): Promise<JoinTokens> {
    const res = await fetch(`/api/spaces/${encodeURIComponent(this.spaceId)}/join`, {
      method: "POST",
      credentials: "same-origin",
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      const code = json?.error?.code;
      if (code === "space.err.blocked") this.#stop("blocked");
      else if (code === "space.err.removed") this.#stop("removed");
      else if (code === "space.err.ended") this.#stop("ended");
      throw new Error(code ?? `join failed: ${res.status}`);
    }
    // An answer without party and room is the Space room's (as before audience shards).
    const parsed = JoinTokens.safeParse({ party: "space", room: this.spaceId, ...json });
    if (!parsed.success) throw new Error("join failed: the answer was not understood");
    this.tokens.value = parsed.data;
    return parsed.data;
  }

  async connect(): Promise<void> {
    const first = this.initialTokens ?? (await this.#join());
    this.tokens.value = first;
    this.initialTokens = null;
    this.#link = this.#open(first);
  }

  /** A reconnecting socket to where `first` names, and after that wherever fresh tokens name. */
  #open(first: JoinTokens): Link {
    const pk = crypto.randomUUID();
    let fresh: JoinTokens | null = first;
    const link: Link = { ws: null!, party: null };
    // Tokens live minutes: every reconnect asks the web for new ones (and where to go).
    const url = async () => {
      const t = fresh ?? (await this.#join());
      fresh = null;
      link.party = t.party;
      return partySocketUrl(t, pk);
    };
    link.ws = new ReconnectingWebSocket(url, [], { ...partyReconnectOptions(), maxRetries: 50 });
    link.ws.addEventListener("open", () => {
      if (link !== this.#link) return;
      this.connection.value = "connected";
      this.party.value = link.party;
    });
    link.ws.addEventListener("close", (e: CloseEvent) => this.#onClose(link, e));
    link.ws.addEventListener("error", () => {
      if (link === this.#moving) this.#abortMove();
    });
    link.ws.addEventListener("message", (e: MessageEvent) => this.#onMessage(link, e.data));
    return link;
  }

  #onClose(link: Link, e: CloseEvent) {
    if (link === this.#moving) return this.#abortMove();
    if (link !== this.#link) return;
    // Closes that reconnecting would not mend stop the client; others reconnect with new tokens.
    if (e.code === SPACE_CLOSE.ended || e.code === SPACE_CLOSE.notFound) this.#stop("ended");
    else if (e.code === SPACE_CLOSE.removed) this.#stop("removed");
    else if (e.code === SPACE_CLOSE.flood || e.code === SPACE_CLOSE.tooBig) {
      this.error.value = { code: "rate_limited", message: e.reason };
      this.#stop("kicked");
    } else if (!this.stopped.value) this.connection.value = "reconnecting";
  }

  #onMessage(link: Link, data: unknown) {
    let parsed;
    try {
      parsed = SpaceEvent.safeParse(JSON.parse(String(data)));
    } catch {
      return;
    }
    if (!parsed.success) return; // an event this page does not know: ignore rather than break
    const ev = parsed.data;
    if (link === this.#moving) {
      // The room says nothing before its sync; anything else (a refusal) waits for the close.
      if (ev.type !== "sync") return;
      this.#arrive(link);
    } else if (link !== this.#link) return; // the shard's last words after the move: the room has them
    if (ev.type === "error") {
      this.error.value = { code: ev.code, message: ev.message };
      return;
    }
    if (ev.type === "reaction") return this.#burst(ev.emoji, 1);
    if (ev.type === "reactionBurst") return this.#burst(ev.emoji, ev.count);
    if (ev.type === "caption") return this.captions.add(ev);
    if (ev.type === "removed") return this.#stop("removed");
    if (ev.type === "sync") {
      const { type: _, ...fresh } = ev;
      this.view.value = fresh;
      this.syncs.value++;
    } else if (this.view.value) this.view.value = foldSpaceEvent(this.view.value, ev);
    if (ev.type === "ended") return this.#stop("ended");
    this.#maybeMove();
  }

  /** On a shard with a part to play now: the Space room is where this person belongs. */
  #maybeMove() {
    const v = this.view.value;
    if (!v || this.#link?.party !== "audience" || this.#moving || this.stopped.value) return;
    if (!(v.you.handRaised || v.you.invited || v.you.role !== "listener")) return;
    const wait = this.#moveAgainAt - Date.now();
    if (wait > 0) return this.#moveLater(wait);
    this.#moveAgainAt = Date.now() + MOVE_RETRY_MS;
    void this.#join().then((t) => {
      if (this.stopped.value || this.#moving || this.#link?.party !== "audience") return;
      // The room no longer sees a part for this person (a hand lowered meanwhile): stay.
      if (t.party !== "space") return;
      this.#moving = this.#open(t);
    }).catch(() => this.#moveLater(MOVE_RETRY_MS));
  }

  #moveLater(ms: number) {
    if (this.#moveTimer !== undefined || this.stopped.value) return;
    this.#moveTimer = setTimeout(() => {
      this.#moveTimer = undefined;
      this.#maybeMove();
    }, ms);
  }

  /** The room's sync came: its socket is the connection from now on, the shard's is closed. */
  #arrive(link: Link) {
    const old = this.#link;
    this.#link = link;
    this.#moving = null;
    this.party.value = link.party;
    this.connection.value = "connected";
    old?.ws.close(1000, "moved to the Space room");
  }

  #abortMove() {
    const link = this.#moving;
    this.#moving = null;
    link?.ws.close();
    this.#moveLater(MOVE_RETRY_MS);
  }

  #burst(emoji: Reaction, count: number) {
    const add: Burst[] = [];
    for (let i = 0; i < Math.min(count, MAX_FLOATS_PER_BURST); i++) add.push({ id: ++this.#burstId, emoji });
    this.bursts.value = [...this.bursts.value, ...add].slice(-20);
    const ids = new Set(add.map((b) => b.id));
    setTimeout(() => (this.bursts.value = this.bursts.value.filter((b) => !ids.has(b.id))), 2_500);
  }

  #stop(reason: Exclude<StopReason, null>) {
    this.stopped.value = reason;
    this.connection.value = "closed";
    this.#link?.ws.close();
    this.#moving?.ws.close();
    this.#moving = null;
  }

  /** Sends a command; an invalid one is refused here too, with the same error the room would give. */
  send(command: SpaceCommand): boolean {
    const ok = SpaceCommand.safeParse(command);
    if (!ok.success) {
      this.error.value = { code: "bad_message", message: ok.error.issues[0].message };
      return false;
    }
    const ws = this.#link?.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    this.error.value = null;
    ws.send(JSON.stringify(command));
    return true;
  }

  close() {
    this.#link?.ws.close();
    this.#moving?.ws.close();
    this.#moving = null;
    this.connection.value = "closed";
  }
}
