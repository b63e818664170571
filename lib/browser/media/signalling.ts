// The browser's WebSocket to the SFU: numbered requests with their answers, and notifications.
import type { SfuErrorCode, SfuNotification, SfuRequest, SfuRequestType, SfuResponseData } from "../../protocol/sfu.ts";

type Body<T extends SfuRequestType> = Omit<Extract<SfuRequest, { type: T }>, "id" | "type">;

export class SfuRequestError extends Error {
  constructor(readonly code: SfuErrorCode | "closed" | "timeout", message: string) {
    super(message);
    this.name = "SfuRequestError";
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

export class SfuSignalling {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, { resolve: (d: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  onNotification: (n: SfuNotification) => void = () => {};
  onClose: (code: number) => void = () => {};

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => this.#message(String(e.data));
    ws.onclose = (e) => {
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(new SfuRequestError("closed", "the SFU connection closed"));
      }
      this.#pending.clear();
      this.onClose(e.code);
    };
  }

  /** Opens the socket; rejects when it cannot open. */
  static open(url: string, token: string): Promise<SfuSignalling> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
      ws.onopen = () => resolve(new SfuSignalling(ws));
      ws.onerror = () => reject(new SfuRequestError("closed", "the SFU could not be reached"));
    });
  }

  request<T extends SfuRequestType>(type: T, body: Body<T>): Promise<SfuResponseData[T]> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      if (this.#ws.readyState !== WebSocket.OPEN) return reject(new SfuRequestError("closed", "not connected to the SFU"));
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new SfuRequestError("timeout", `${type} got no answer`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (d: unknown) => void, reject, timer });
      this.#ws.send(JSON.stringify({ type, id, ...body }));
    });
  }

  #message(raw: string) {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if ((msg.type === "response" || msg.type === "error") && typeof msg.id === "number") {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.type === "response") p.resolve(msg.data);
      else p.reject(new SfuRequestError(msg.code, msg.message));
      return;
    }
    this.onNotification(msg as SfuNotification);
  }

  close() {
    this.#ws.onclose = null;
    this.#ws.close();
    this.onClose(1000);
  }
}
