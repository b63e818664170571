// A signalling client as a browser would use it: requests by id, notifications kept in order
// so a test can wait for the one it expects.
import WebSocket from "ws";
import type { SfuNotification, SfuRequest, SfuRequestType, SfuResponseData } from "../../../lib/protocol/sfu.ts";

type Pending = { resolve(v: unknown): void; reject(e: Error): void };
export class SfuRequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(`${code}: ${message}`);
  }
}

export class SignalClient {
  readonly notifications: SfuNotification[] = [];
  readonly errors: { id: number | null; code: string; message: string }[] = [];
  #ws: WebSocket;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #waiters: (() => void)[] = [];
  #listeners: ((n: SfuNotification) => void)[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.closed = new Promise((resolve) =>
      ws.once("close", (code, reason) => resolve({ code, reason: String(reason) }))
    );
    ws.on("message", (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.type === "response") this.#settle(msg.id, (p) => p.resolve(msg.data));
      else if (msg.type === "error") {
        this.errors.push(msg);
        if (msg.id !== null && this.#pending.has(msg.id)) {
          this.#settle(msg.id, (p) => p.reject(new SfuRequestError(msg.code, msg.message)));
        }
      } else {
        this.notifications.push(msg);
        for (const l of this.#listeners) l(msg);
      }
      for (const w of this.#waiters.splice(0)) w();
    });
    ws.on("close", () => {
      for (const p of this.#pending.values()) p.reject(new Error("socket closed"));
      this.#pending.clear();
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static connect(url: string): Promise<SignalClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once("open", () => resolve(new SignalClient(ws)));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  #settle(id: number, f: (p: Pending) => void): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    f(p);
  }

  request<T extends SfuRequestType>(
    type: T,
    fields: Omit<Extract<SfuRequest, { type: T }>, "type" | "id">,
  ): Promise<SfuResponseData[T]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#ws.send(JSON.stringify({ type, id, ...fields }));
    });
  }

  onNotification(listener: (n: SfuNotification) => void): void {
    this.#listeners.push(listener);
  }

  /** Sends anything at all, as a modified client could. */
  sendRaw(data: string | Buffer): void {
    this.#ws.send(data);
  }

  /** The first notification (already received or coming) that matches, or a timeout error. */
  async waitFor<T extends SfuNotification["type"]>(
    type: T,
    match: (n: Extract<SfuNotification, { type: T }>) => boolean = () => true,
    ms = 5000,
    from = 0,
  ): Promise<Extract<SfuNotification, { type: T }>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.notifications.slice(from).find((n) => n.type === type && match(n as never));
      if (found) return found as Extract<SfuNotification, { type: T }>;
      const left = deadline - Date.now();
      if (left <= 0 || this.#ws.readyState !== WebSocket.OPEN) {
        throw new Error(`no ${type} notification within ${ms} ms`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.#ws.close();
  }
}

/** Opus RTP parameters as a client's `produce` sends them: enough for the SFU to decide, no DTLS needed. */
export const OPUS = {
  codecs: [{
    mimeType: "audio/opus",
    payloadType: 111,
    clockRate: 48000,
    channels: 2,
    parameters: {},
    rtcpFeedback: [],
  }],
  encodings: [{ ssrc: 22222222 }],
  rtcp: { cname: "test" },
};
