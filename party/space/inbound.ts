// How the Space room (and its audience shards) read one WebSocket message: the inbound path every
// party shares (party/shared/inbound.ts: size, flood, JSON, schema) with the Space's schema and
// limits, then the Space's per-kind limits (reactions, hands, comments).
import { SPACE_CLOSE, SpaceCommand } from "../../lib/protocol/space.ts";
import {
  type CommandLimit,
  type ConnLimits as SharedConnLimits,
  type Inbound as SharedInbound,
  type InboundRules,
  type Message,
  readInbound,
} from "../shared/inbound.ts";
import { take } from "../shared/limits.ts";
import { FLOOD_STRIKES, LIMITS, type PersonalLimits } from "./limits.ts";

export { tooBig } from "../shared/inbound.ts";

/** Limiter state kept in a connection's attachment. */
export type ConnLimits = SharedConnLimits<"react" | "hand" | "media">;

export type Inbound = SharedInbound<SpaceCommand>;

/** The Space's inbound rules: its schema, its general limit, its close codes. */
export const SPACE_INBOUND: InboundRules<SpaceCommand> = {
  schema: SpaceCommand,
  rule: LIMITS.message,
  strikes: FLOOD_STRIKES,
  close: { tooBig: SPACE_CLOSE.tooBig, flood: SPACE_CLOSE.flood },
  noun: "command",
  echoRef: true,
  unready: "Wait for the sync event before sending commands.",
};

/** The per-kind limits: reactions and hands per connection, comments per person (`sub`). */
export function spaceLimits(personal: PersonalLimits, sub: string): CommandLimit<SpaceCommand> {
  return (cmd, limits, now) => {
    const limited = (name: "react" | "hand" | "media", what: string) => {
      const r = take(limits.buckets[name], LIMITS[name], now);
      limits.buckets[name] = r.bucket;
      return r.ok ? undefined : `Too many ${what}: wait a little.`;
    };
    if (cmd.type === "react") return limited("react", "reactions");
    if (cmd.type === "mediaState") return limited("media", "audio state reports");
    if (cmd.type === "requestToSpeak" || cmd.type === "cancelRequest") {
      return limited("hand", "raised hands");
    }
    // Comments are limited per person, so opening more tabs does not buy more comments.
    if (cmd.type === "comment" && !personal.take(sub, "comment", now)) {
      return "Too many comments: wait a little.";
    }
    return undefined;
  };
}

/** Reads one message; `limits` is updated in place for the caller to store. */
export function readMessage(
  message: Message,
  limits: ConnLimits,
  personal: PersonalLimits,
  sub: string,
  now: number,
): Inbound {
  return readInbound(message, limits, SPACE_INBOUND, now, spaceLimits(personal, sub));
}
