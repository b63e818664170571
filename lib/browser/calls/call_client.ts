// Browser side of one call room: the call's state as signals, and the intents (accept, decline,
// cancel, hang up). Framework-free; the call screen and the ringer bind to it. Each (re)connect
// asks the web for a fresh token; the connection id is kept per tab, so a reload of the tab that
// answered is still the answering connection.
import { batch, signal } from "@preact/signals";
import PartySocket from "partysocket";
import { api } from "../api_client.ts";
import { CallMediaAccess, RoomToken } from "../../protocol/api.ts";
import {
  CALL_CLOSE,
  CallEvent,
  type CallKey,
  type CallRole,
  type CallStateCommand,
  type CallView,
  isFinal,
} from "../../protocol/call.ts";
import { partyReconnectOptions } from "../../protocol/defaults.ts";
import { sfuSocketUrl } from "../../protocol/sfu_url.ts";

export class CallClient {
  readonly call = signal<CallView | null>(null);
  readonly you = signal<CallRole | null>(null);
  readonly answeredHere = signal(false);
  /** The room's last refusal, in its words (for logs and tests; the UI shows its own text). */
  readonly lastError = signal<string | null>(null);
  /** Set when the call is over or cannot be joined: nothing more will happen on this socket. */
  readonly closed = signal<string | null>(null);
  /** The other side's public key part for end-to-end encryption, as the room relayed it. */
  readonly peerKey = signal<CallKey | null>(null);
  /** Sent again at each (re)connect: the room keeps it for the other side. */
  #key: Omit<CallKey, "from"> | null = null;
  /** Whether the key went on this connection. */
  #keySent = false;
  readonly #socket: PartySocket;
  #acceptSent = false;

  constructor(readonly callId: string, partyUrl: string) {
    const url = new URL(partyUrl);
    const key = `spazio-call-conn:${callId}`;
    let connId = sessionStorage.getItem(key);
    if (!connId) {
      connId = crypto.randomUUID();
      sessionStorage.setItem(key, connId);
    }
    this.#socket = new PartySocket({
      host: url.host,
      protocol: url.protocol === "wss:" || url.protocol === "https:" ? "wss" : "ws",
      party: "call",
      room: callId,
      id: connId,
      ...partyReconnectOptions(),
      query: async () => {
        const r = await api("POST", `/api/calls/${encodeURIComponent(callId)}/join`, RoomToken);
        if (!r.ok) this.#stop(r.code);
        return { token: r.ok ? r.data.token : "" };
      },
    });
    this.#socket.addEventListener("message", (m) => this.#onMessage(String(m.data)));
    this.#socket.addEventListener("open", () => (this.#keySent = false));
    this.#socket.addEventListener("close", (e) => {
      // A final call, or a refusal the room gave a reason for: reconnecting would change nothing.
      if (e.code >= 4000 && e.code < 5000) this.#stop(e.reason || `closed ${e.code}`);
      if (e.code === CALL_CLOSE.ended) this.#stop("ended");
    });
  }

  #onMessage(data: string) {
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return;
    }
    const e = CallEvent.safeParse(raw);
    if (!e.success) return;
    const ev = e.data;
    if (ev.type === "error") return void (this.lastError.value = ev.message);
    if (ev.type === "key") return void (this.peerKey.value = ev.key);
    // One change: whoever follows the call never sees it answered without knowing where.
    batch(() => {
      if (ev.type === "sync") this.you.value = ev.you;
      this.call.value = ev.call;
      this.answeredHere.value = ev.answeredHere;
    });
    // Once the room knows who this is; the callee's only after answering on this device (the room
    // takes the callee's key from the answering connection only).
    this.#sendKey();
    if (isFinal(ev.call.status)) this.#stop("ended");
  }

  #stop(reason: string) {
    this.closed.value ??= reason;
    this.#socket.close();
  }

  /** This device's public key part: sent now and at every reconnect. */
  setKey(key: Omit<CallKey, "from">) {
    this.#key = key;
    this.#keySent = false;
    this.#sendKey();
  }

  #sendKey() {
    const you = this.you.peek();
    const mayKey = you === "caller" || (you === "callee" && this.answeredHere.peek());
    if (!this.#key || !mayKey || this.#keySent || this.#socket.readyState !== WebSocket.OPEN) return;
    const v = this.call.peek();
    if (you === "callee" && v?.status !== "accepted") return;
    this.#keySent = true;
    this.#socket.send(JSON.stringify({ type: "key", ...this.#key }));
  }

  send(type: CallStateCommand["type"]) {
    this.#socket.send(JSON.stringify({ type }));
  }

  /** Answers on this connection, once: the ringer's tap and the call screen may both ask. */
  accept() {
    if (this.#acceptSent) return;
    this.#acceptSent = true;
    performance.mark("spazio:call-accept-sent");
    this.send("accept");
  }

  close() {
    this.#stop("left");
  }
}

/** A call room connection a ringing tab opened ahead of the answer, for the answer to take over. */
let warm: CallClient | null = null;

/** Opens (once per call) the connection a ringing tab answers or declines on, at once. */
export function warmCallClient(callId: string, partyUrl: string): void {
  if (warm?.callId === callId && !warm.closed.peek()) return;
  warm?.close();
  warm = new CallClient(callId, partyUrl);
}

/**
 * Answers from the ringer's tap, before anything else runs, on the connection opened while it
 * rang (when that connection knows the call rings); the call screen then takes the connection.
 */
export function acceptOnWarm(callId: string): void {
  const c = warm;
  if (c?.callId === callId && !c.closed.peek() && c.call.peek()?.status === "ringing") c.accept();
}

/** The ringing tab's connection to this call, taken over (null when there is none). */
export function takeCallClient(callId: string): CallClient | null {
  const c = warm;
  if (!c || c.callId !== callId) return null;
  warm = null;
  return c.closed.peek() ? null : c;
}

/** Closes the ringing tab's connection to this call unless something took it over. */
export function dropCallClient(callId: string): void {
  const c = takeCallClient(callId);
  if (!c) return; // taken over by the answer (or never opened): the call keeps its media access
  c.close();
  dropMediaAccess(callId);
}

/**
 * Media credentials fetched while the call rang, and when; and the SFU socket opened with them
 * ahead of the answer (the SFU admits a ringing call's two people and lets nothing be sent before
 * the answer), which the call's media session takes (SfuSignalling.open takes a socket left under
 * this key for its own URL).
 */
const early = new Map<string, { at: number; access: Promise<CallMediaAccess | null>; socket?: EarlySocket }>();
/** Younger than this, fetched credentials are used as they are (tokens last 5 minutes, a ring 60 s at most). */
const EARLY_ACCESS_MS = 120_000;
const EARLY_KEY = "__spazioEarlySfu";
type EarlySocket = { url: string; ws: WebSocket; buffered: string[] };
const slot = globalThis as unknown as Record<string, EarlySocket | undefined>;

/**
 * Fetches this call's media token and relays while it rings (once per call), then opens the SFU
 * socket with them (`welcome=talk`: the router's capabilities and both transports come unasked),
 * so that the answer goes straight to a connected SFU instead of first asking the web and then
 * opening a socket (300-700 ms and 320-500 ms in bench:network at 100 ms RTT); the mediasoup
 * Device loads from the welcome's capabilities meanwhile (80-140 ms more).
 */
export function prefetchMediaAccess(callId: string): void {
  if (early.has(callId)) return;
  const entry: { at: number; access: Promise<CallMediaAccess | null>; socket?: EarlySocket } = {
    at: Date.now(),
    access: Promise.resolve(null),
  };
  entry.access = api("POST", `/api/calls/${encodeURIComponent(callId)}/media`, CallMediaAccess)
    .then((r) => {
      performance.mark("spazio:call-token-early");
      if (!r.ok) return null;
      // Not over a socket a Space page opened for itself (it takes it as it starts).
      if (early.get(callId) === entry && !slot[EARLY_KEY] && typeof WebSocket !== "undefined") {
        const url = sfuSocketUrl(r.data.url, r.data.token, "talk");
        const buffered: string[] = [];
        const ws = new WebSocket(url);
        ws.onmessage = (e) => {
          const raw = String(e.data);
          buffered.push(raw);
          if (buffered.length === 1) preloadFrom(raw);
        };
        entry.socket = slot[EARLY_KEY] = { url, ws, buffered };
        performance.mark("spazio:call-sfu-early");
      }
      return r.data;
    }, () => null);
  early.set(callId, entry);
}

/** The credentials prefetched for this call, once, if still fresh and fetched; else null. */
export async function takeMediaAccess(callId: string): Promise<CallMediaAccess | null> {
  const e = early.get(callId);
  early.delete(callId);
  if (!e || Date.now() - e.at > EARLY_ACCESS_MS) {
    if (e) void e.access.then(() => closeEarlySocket(e.socket));
    return null;
  }
  return await e.access;
}

/** Forgets what was fetched for a call nobody answered here, and closes its socket if unused. */
export function dropMediaAccess(callId: string): void {
  const e = early.get(callId);
  early.delete(callId);
  if (e) void e.access.then(() => closeEarlySocket(e.socket));
}

/** The welcome's router capabilities: the mediasoup Device loads from them while it still rings. */
function preloadFrom(raw: string) {
  let caps: unknown;
  try {
    const m = JSON.parse(raw);
    caps = m?.type === "welcome" ? m.rtpCapabilities : undefined;
  } catch {
    return;
  }
  if (caps) void import("../media/sfu_session.ts").then((m) => m.preloadDevice(caps)).catch(() => {});
}

function closeEarlySocket(socket: EarlySocket | undefined) {
  if (!socket || slot[EARLY_KEY] !== socket) return; // taken by the media session, or never opened
  delete slot[EARLY_KEY];
  socket.ws.close();
}
