// Signed, best-effort calls from the Space room to the SFU and the web server.
// They never block the room: a person's command is answered before these finish, and a failure is
// logged, not thrown. The SFU also pulls grants (getGrant), so a lost push heals itself.
import { signRequest } from "../../lib/protocol/token.ts";
import {
  type SfuClose,
  type SfuGrant,
  type SfuRecording,
  sfuRoomName,
  type SpaceReport,
  type SpaceStatePush,
} from "../../lib/protocol/space_http.ts";
import type { SpaceRoomConfig } from "./config.ts";
import type { Grant } from "./state.ts";

const RETRY_DELAYS_MS = [250, 1_000, 3_000];
const TIMEOUT_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs a signed JSON body, retrying on network errors and 5xx; resolves to whether it landed. */
export async function postSigned(secret: string, url: string, payload: unknown): Promise<boolean> {
  const body = JSON.stringify(payload);
  let last = "";
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    try {
      // Signed per attempt: the receiver refuses timestamps that are too old.
      const headers = { "content-type": "application/json", ...(await signRequest(secret, body)) };
      const res = await fetch(url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.ok) return true;
      // A 4xx will not get better by asking again.
      if (res.status < 500) {
        console.warn(`space room: POST ${url} refused with ${res.status}`);
        return false;
      }
      last = `status ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    if (attempt < RETRY_DELAYS_MS.length) await sleep(RETRY_DELAYS_MS[attempt]);
  }
  console.warn(
    `space room: POST ${url} gave up after ${RETRY_DELAYS_MS.length + 1} attempts (${last})`,
  );
  return false;
}

/** The room's outbound calls, bound to one Space. */
export class SpaceOutbound {
  /**
   * `idOf` names the Space when a call goes out, not when the room object is built: an object
   * woken by an alarm cannot read its room id, and takes it from its stored state instead.
   */
  constructor(readonly config: SpaceRoomConfig, readonly idOf: () => string) {}

  get spaceId(): string {
    return this.idOf();
  }

  #post(url: string, payload: unknown): void {
    void postSigned(this.config.serverSecret, url, payload);
  }

  /** Tells the SFU who may send audio now; one request per change, in seq order. */
  grants(grants: Grant[]): void {
    for (const g of grants) {
      const body: SfuGrant = { room: sfuRoomName(this.spaceId), ...g };
      this.#post(`${this.config.sfuUrl}/control/grant`, body);
    }
  }

  /** Tells the SFU to start or stop recording the Space's microphones. */
  recording(on: boolean): void {
    const body: SfuRecording = { room: sfuRoomName(this.spaceId), on };
    this.#post(`${this.config.sfuUrl}/control/recording`, body);
  }

  /** Tells the SFU to close the Space's media room. */
  close(): void {
    const body: SfuClose = { room: sfuRoomName(this.spaceId) };
    this.#post(`${this.config.sfuUrl}/control/close`, body);
  }

  /** Tells the web what the home page lists about this Space. */
  state(push: SpaceStatePush): void {
    this.#post(
      `${this.config.webUrl}/api/internal/spaces/${encodeURIComponent(this.spaceId)}/state`,
      push,
    );
  }

  /** Forwards a stored report for review on the web. */
  report(report: SpaceReport): void {
    this.#post(`${this.config.webUrl}/api/internal/reports`, report);
  }
}
