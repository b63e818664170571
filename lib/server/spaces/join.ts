// Tokens for one person to join one live Space: the room's and the SFU's, minted together.
// The room's join plan says where the room connection goes: a person with a part to play (host,
// on stage, hand raised, invited, named ahead) gets a token for the Space room; a plain listener
// gets one for the audience shard the room names (party/audience/room.ts), or for the room when shards
// are off.
// An anonymous listener gets a random identity kept in an HttpOnly cookie, so a reload is the
// same listener (and a removed anonymous listener stays removed).
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
import { isHttps } from "../http/session.ts";
import type { SpaceRecord } from "../kv/spaces.ts";
import { sfuRoomName } from "../../protocol/space_http.ts";
import { audienceRoomId, type JoinTokens } from "../../protocol/space_audience.ts";
import { mintRoomToken, randomId } from "../../protocol/token.ts";
import { type RoomUnavailableError, SpaceRoomLink } from "./room_link.ts";
import { sfuFor } from "./sfu_choice.ts";
import { iceFor } from "../turn.ts";

const ANON_COOKIE = "spazio_anon";

export async function joinTokens(c: Context<AppEnv>, space: SpaceRecord): Promise<JoinTokens> {
  const { config, social } = c.get("deps");
  const room = new SpaceRoomLink(config.partyUrl, config.serverSecret);
  if (space.status === "ended") throw new HttpError(409, "space.err.ended");
  if (space.status === "scheduled") throw new HttpError(409, "space.err.not_live");
  const user = c.get("user");
  if (user && (await social.blocks(space.hostId, user.id))) throw new HttpError(403, "space.err.blocked");
  let subject: string;
  if (user) subject = `u:${user.id}`;
  else {
    let anon = getCookie(c, ANON_COOKIE);
    if (!anon || !/^[A-Za-z0-9_-]{16}$/.test(anon)) {
      anon = randomId(12);
      setCookie(c, ANON_COOKIE, anon, {
        httpOnly: true,
        sameSite: "Lax",
        secure: isHttps(c),
        path: "/",
        maxAge: 365 * 86_400,
      });
    }
    subject = `a:${anon}`;
  }
  // The room is the authority on who was removed: no token for someone it would refuse, so neither
  // a reload nor a hand-made socket gets them back in (the SFU asks the room too).
  const grant = await room.grant(space.id, subject).catch((e: RoomUnavailableError) => {
    throw new HttpError(
      e.status === 404 ? 409 : 503,
      e.status === 404 ? "space.err.ended" : "space.err.room_unavailable",
    );
  });
  if (grant.ended) throw new HttpError(409, "space.err.ended");
  if (!grant.admitted) throw new HttpError(403, "space.err.removed");
  const who = user ? { handle: user.handle, name: user.displayName, verified: user.verified } : {};
  const onShard = !grant.part && grant.shard !== undefined && user?.id !== space.hostId;
  const party = onShard ? "audience" : "space";
  const roomId = onShard ? audienceRoomId(space.id, grant.shard!) : space.id;
  return {
    token: await mintRoomToken(config.roomSecret, { aud: party, room: roomId, sub: subject, ...who }),
    sub: subject,
    partyUrl: config.partyPublicUrl,
    party,
    room: roomId,
    sfuUrl: (await sfuFor(config, space.id, grant.canSpeak || user?.id === space.hostId)).replace(/^http/, "ws") +
      "/ws",
    sfuToken: await mintRoomToken(config.roomSecret, { aud: "sfu", room: sfuRoomName(space.id), sub: subject, ...who }),
    ice: await iceFor(config.turn, subject),
  };
}
