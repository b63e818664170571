// The Space room's signed, best-effort calls to the SFU and the web server (party/shared/post.ts).
// They never block the room: a person's command is answered before these finish, and a failure is
// logged, not thrown. The SFU also pulls grants (getGrant), so a lost push heals itself.
import {
  type SfuClose,
  type SfuGrant,
  type SfuRecording,
  sfuRoomName,
  type SpaceReport,
  type SpaceStatePush,
} from "../../lib/protocol/space_http.ts";
import type { PartyConfig } from "../shared/config.ts";
import { postSigned } from "../shared/post.ts";
import type { Grant } from "./state.ts";

/** The room's outbound calls, bound to one Space. */
export class SpaceOutbound {
  /**
   * `idOf` names the Space when a call goes out, not when the room object is built: an object
   * woken by an alarm cannot read its room id, and takes it from its stored state instead.
   */
  constructor(readonly config: PartyConfig, readonly idOf: () => string) {}

  get spaceId(): string {
    return this.idOf();
  }

  #post(url: string | string[], payload: unknown): void {
    void postSigned(this.config.serverSecret, url, payload);
  }

  /** `path` on every SFU of the list, SPAZIO_SFU_URL first: a retry goes to the next. */
  #sfu(path: string): string[] {
    return this.config.sfuUrls.map((u) => `${u}${path}`);
  }

  /** Tells the SFU who may send audio now; one request per change, in seq order. */
  grants(grants: Grant[]): void {
    for (const g of grants) {
      const body: SfuGrant = { room: sfuRoomName(this.spaceId), ...g };
      this.#post(this.#sfu("/control/grant"), body);
    }
  }

  /** Tells the SFU to start or stop recording the Space's microphones. */
  recording(on: boolean): void {
    const body: SfuRecording = { room: sfuRoomName(this.spaceId), on };
    this.#post(this.#sfu("/control/recording"), body);
  }

  /** Tells the SFU to close the Space's media room. */
  close(): void {
    const body: SfuClose = { room: sfuRoomName(this.spaceId) };
    this.#post(this.#sfu("/control/close"), body);
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
