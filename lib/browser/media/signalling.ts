// The browser's WebSocket to the SFU: numbered requests with their answers, and notifications.
// Every frame is parsed (lib/protocol/sfu_signalling.ts): an answer by its request's own answer
// schema, a notification by the notification schema. A frame that fits neither is logged and
// dropped; an answer that does not fit rejects its request with `bad_answer`.
import {
  parseSfuAnswer,
  type SfuErrorCode,
  SfuNotification,
  SfuReply,
  type SfuRequest,
  type SfuRequestType,
  type SfuResponseData,
  sfuSocketUrl,
  type SfuWelcomeMode,
} from "../../protocol/sfu.ts";

type Body<T extends SfuRequestType> = Omit<Extract<SfuRequest, { type: T }>, "id" | "type">;

/** What the SFU sends first on a socket opened with `welcome` (lib/protocol/sfu_signalling.ts). */
export type SfuWelcome = Extract<SfuNotification, { type: "welcome" }>;

/**
 * A socket the page opened before its scripts loaded (lib/server/spaces/early_media.ts), with the
 * frames that came before anyone listened. Taken once, by the first open() for the same URL.
 */
interface EarlySocket {
  url: string;
  ws: WebSocket;
  buffered: string[];
}
const EARLY_KEY = "__spazioEarlySfu";

function takeEarly(url: string): EarlySocket | null {
  const g = globalThis as unknown as Record<string, EarlySocket | undefined>;
  const early = g[EARLY_KEY];
  if (!early) return null;
  delete g[EARLY_KEY];
  // Opened with other credentials: left open, it would replace ours on the SFU when it connects.
  if (early.url !== url) {
    early.ws.close();
    return null;
  }
  const state = early.ws.readyState;
  return state === WebSocket.OPEN || state === WebSocket.CONNECTING ? early : null;
}

/** How long to wait for the `welcome` before asking for its parts the usual way. */
const WELCOME_WAIT_MS = 3_000;

/** Why a request failed: the SFU's refusal, or `closed`, `timeout`, or an answer not understood (`bad_answer`). */
export type SfuFailure = SfuErrorCode | "closed" | "timeout" | "bad_answer";

export class SfuRequestError extends Error {
  constructor(readonly code: SfuFailure, message: string) {
    super(message);
    this.name = "SfuRequestError";
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

/** A request waiting for its answer: `settle` parses the answer's data for its own request. */
type Pending = { settle: (data: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> };

export class SfuSignalling {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, Pending>();
  #onNotification: ((n: SfuNotification) => void) | null = null;
  /** Notifications that came (with an early socket's buffer) before anyone listened. */
  #held: SfuNotification[] = [];
  /** Takes the notifications, first those that came before it was set (in order). */
  set onNotification(fn: (n: SfuNotification) => void) {
    this.#onNotification = fn;
    for (const n of this.#held.splice(0)) fn(n);
  }
  onClose: (code: number) => void = () => {};
  /**
   * The SFU's `welcome` when the socket asked for one; null when it did not, when the SFU could
   * not make it, or when it did not come in time (the client then asks for its parts).
   */
  readonly welcome: Promise<SfuWelcome | null>;
  #welcomed: (w: SfuWelcome | null) => void = () => {};

  private constructor(ws: WebSocket, wantsWelcome: boolean, buffered: string[] = []) {
    this.#ws = ws;
    this.welcome = wantsWelcome
      ? new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), WELCOME_WAIT_MS);
        this.#welcomed = (w) => {
          clearTimeout(timer);
          this.#welcomed = () => {};
          resolve(w);
        };
      })
      : Promise.resolve(null);
    ws.onmessage = (e) => this.#message(String(e.data));
    ws.onclose = (e) => {
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(new SfuRequestError("closed", "the SFU connection closed"));
      }
      this.#pending.clear();
      this.#welcomed(null);
      this.onClose(e.code);
    };
    for (const raw of buffered) this.#message(raw);
  }

  /**
   * Opens the socket, or takes the one the page opened early for the same URL; rejects when it
   * cannot open. With `welcome`, the SFU sends its capabilities (and a receive transport) first.
   */
  static open(url: string, token: string, welcome?: SfuWelcomeMode): Promise<SfuSignalling> {
    const full = sfuSocketUrl(url, token, welcome);
    const early = takeEarly(full);
    return new Promise((resolve, reject) => {
      const ws = early?.ws ?? new WebSocket(full);
      const opened = () => {
        ws.onmessage = ws.onerror = null;
        resolve(new SfuSignalling(ws, !!welcome, early?.buffered));
      };
      if (ws.readyState === WebSocket.OPEN) return opened();
      ws.onopen = opened;
      ws.onerror = () => reject(new SfuRequestError("closed", "the SFU could not be reached"));
    });
  }

  request<T extends SfuRequestType>(type: T, body: Body<T>): Promise<SfuResponseData[T]> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      if (this.#ws.readyState !== WebSocket.OPEN) {
        return reject(new SfuRequestError("closed", "not connected to the SFU"));
      }
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new SfuRequestError("timeout", `${type} got no answer`));
      }, REQUEST_TIMEOUT_MS);
      const settle = (data: unknown) => {
        const answer = parseSfuAnswer(type, data);
        if (answer.success) return resolve(answer.data);
        reject(
          new SfuRequestError(
            "bad_answer",
            `${type}: the SFU's answer was not understood (${answer.error.issues[0]?.path.join(".")})`,
          ),
        );
      };
      this.#pending.set(id, { settle, reject, timer });
      this.#ws.send(JSON.stringify({ type, id, ...body }));
    });
  }

  #message(raw: string) {
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return console.warn("SFU: a frame that is not JSON was dropped");
    }
    const reply = SfuReply.safeParse(msg);
    if (reply.success) return this.#answer(reply.data);
    const note = SfuNotification.safeParse(msg);
    if (note.success) {
      if (note.data.type === "welcome") return this.#welcomed(note.data);
      return this.#onNotification ? this.#onNotification(note.data) : void this.#held.push(note.data);
    }
    console.warn("SFU: a message not understood was dropped", note.error.issues[0]);
  }

  #answer(reply: SfuReply) {
    if (reply.type === "error" && reply.id === null) {
      // The only error without id a well-formed client gets: the welcome could not be made.
      this.#welcomed(null);
      return console.warn(`SFU refused a message: ${reply.code}: ${reply.message}`);
    }
    if (reply.id === null) return;
    const p = this.#pending.get(reply.id);
    if (!p) return;
    this.#pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.type === "response") p.settle(reply.data);
    else p.reject(new SfuRequestError(reply.code, reply.message));
  }

  close() {
    this.#ws.onclose = null;
    this.#ws.close();
    this.onClose(1000);
  }
}
