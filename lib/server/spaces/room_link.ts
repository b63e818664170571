// The web server's side of the Space room's HTTP API (lib/protocol/space_http.ts): signed POSTs
// to create, start, end and update blocks, and the public snapshot the Space page renders.
import { type SpacePublicSnapshot, type SpaceRoomRequest, SpacePublicSnapshot as Snapshot } from "../../protocol/space_http.ts";
import { GetGrantResponse } from "../../protocol/sfu.ts";
import { JoinPlan } from "../../protocol/space_audience.ts";
import { signRequest } from "../../protocol/token.ts";

/** The room could not be reached or refused; the caller shows a clear message and keeps nothing half-made. */
export class RoomUnavailableError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "RoomUnavailableError";
  }
}

const GrantWithPlan = GetGrantResponse.extend(JoinPlan.shape);

export class SpaceRoomLink {
  constructor(private readonly partyUrl: string, private readonly serverSecret: string) {}

  #url(spaceId: string) {
    return `${this.partyUrl}/parties/space/${encodeURIComponent(spaceId)}`;
  }

  /** A signed POST to the room; the answer's status and JSON (null when it was not JSON). */
  async #post(spaceId: string, request: SpaceRoomRequest): Promise<{ status: number; ok: boolean; json: unknown }> {
    const body = JSON.stringify(request);
    let res: Response;
    try {
      res = await fetch(this.#url(spaceId), {
        method: "POST",
        headers: { "content-type": "application/json", ...(await signRequest(this.serverSecret, body)) },
        body,
        signal: AbortSignal.timeout(5_000),
      });
    } catch (e) {
      throw new RoomUnavailableError(503, `the Space room could not be reached: ${(e as Error).message}`);
    }
    return { status: res.status, ok: res.ok, json: await res.json().catch(() => null) };
  }

  async send(spaceId: string, request: SpaceRoomRequest): Promise<SpacePublicSnapshot> {
    const { status, ok, json } = await this.#post(spaceId, request);
    const answer = json as { ok?: boolean; message?: string; snapshot?: unknown } | null;
    if (!ok || !answer?.ok) throw new RoomUnavailableError(status, answer?.message ?? `room answered ${status}`);
    return Snapshot.parse(answer.snapshot);
  }

  /**
   * What the room (the authority) says of one person now: whether they may be in the Space at all
   * (not removed, banned or blocked, and the Space live), whether they may speak, and where their
   * connection goes (the room itself, or an audience shard).
   */
  async grant(spaceId: string, sub: string): Promise<GetGrantResponse & JoinPlan> {
    const { status, ok, json } = await this.#post(spaceId, { type: "getGrant", sub });
    const parsed = GrantWithPlan.safeParse(json);
    if (!ok || !parsed.success) throw new RoomUnavailableError(status, `the room's answer about a person was not valid (${status})`);
    return parsed.data;
  }

  /** The public snapshot, or null when the room does not know the Space (or is down). */
  async snapshot(spaceId: string): Promise<SpacePublicSnapshot | null> {
    try {
      const res = await fetch(this.#url(spaceId), { signal: AbortSignal.timeout(3_000) });
      if (!res.ok) {
        await res.body?.cancel();
        return null;
      }
      const parsed = Snapshot.safeParse(await res.json());
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}
