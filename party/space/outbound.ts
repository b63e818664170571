// The Space room's signed, best-effort calls to the SFU and the web server (party/shared/post.ts,
// by the contracts of lib/protocol/internal_api.ts).
// They never block the room: a person's command is answered before these finish, and a failure is
// logged, not thrown. The SFU also pulls grants (getGrant), so a lost push heals itself.
import type { AnyContract, ParamsOf, RequestOf } from "../../lib/protocol/contract.ts";
import {
  sfuCaptions,
  sfuClose,
  sfuGrant,
  sfuRecording,
  spaceReport,
  spaceStatePush,
} from "../../lib/protocol/internal_api.ts";
import { sfuRoomName, type SpaceReport, type SpaceStatePush } from "../../lib/protocol/space_http.ts";
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

  #post<C extends AnyContract>(c: C, to: string | readonly string[], params: ParamsOf<C>, body: RequestOf<C>): void {
    void postSigned(this.config.serverSecret, c, to, params, body);
  }

  /** Every SFU of the list, SPAZIO_SFU_URL first: a retry goes to the next. */
  get #sfus(): readonly string[] {
    return this.config.sfuUrls;
  }

  /** Tells the SFU who may send audio now; one request per change, in seq order. */
  grants(grants: Grant[]): void {
    const room = sfuRoomName(this.spaceId);
    for (const { sub, canSpeak, muted, admitted, video, seq } of grants) {
      this.#post(sfuGrant, this.#sfus, undefined, { room, sub, canSpeak, muted, admitted, video, seq });
    }
  }

  /** Tells the SFU to start or stop recording the Space's microphones. */
  recording(on: boolean): void {
    this.#post(sfuRecording, this.#sfus, undefined, { room: sfuRoomName(this.spaceId), on });
  }

  /** Tells the SFU which language to caption the Space's speakers in, or to stop (null). */
  captions(lang: string | null): void {
    this.#post(sfuCaptions, this.#sfus, undefined, { room: sfuRoomName(this.spaceId), lang });
  }

  /** Tells the SFU to close the Space's media room. */
  close(): void {
    this.#post(sfuClose, this.#sfus, undefined, { room: sfuRoomName(this.spaceId) });
  }

  /** Tells the web what the home page lists about this Space. */
  state(push: SpaceStatePush): void {
    this.#post(spaceStatePush, this.config.webUrl, { spaceId: this.spaceId }, push);
  }

  /** Forwards a stored report for review on the web. */
  report(report: SpaceReport): void {
    this.#post(spaceReport, this.config.webUrl, undefined, report);
  }
}
