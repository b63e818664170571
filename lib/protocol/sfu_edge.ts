// More than one SFU process: the configured list, which one is a Space's origin, and the signed
// SFU <-> SFU API that pipes a Space's speakers from its origin to the edges serving its listeners.
// A Space's speakers produce on its origin (a deterministic pick from the list, so the web, the
// SFUs and the parties agree without asking each other); listeners may be on any SFU of the list.
// An edge opens one PipeTransport per Space to the origin on its first listener and closes it
// after its last; the origin tells it of new, closed, paused and resumed producers, and forwards
// the room's grants. Every request is a POST signed with the server secret (internal_api.ts).
//
//   edge -> origin  POST /internal/pipe/open   PipeOpenRequest  -> PipeOpenResponse
//   edge -> origin  POST /internal/pipe/renew  PipeLinkRequest  (every PIPE_RENEW_MS; 404: link gone)
//   edge -> origin  POST /internal/pipe/close  PipeLinkRequest
//   origin -> edge  POST /internal/pipe/event  PipeEvent
//   any  -> any     POST /internal/grant       RelayedGrant     (a GrantRequest from the room, relayed)
//   any  -> any     POST /internal/close       RelayedClose     (the Space ended, relayed)
// Imports nothing runtime-specific: Deno, workerd and Node all load it.
import { z } from "zod";
import { GrantRequest, MediaSource, RtpParameters, SfuRoomName } from "./sfu.ts";

/** One SFU of the list: a short stable id and its internal base URL (as servers reach it). */
export type SfuEntry = { id: string; url: string };

const SFU_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** An SFU's id in the list, as named in SPAZIO_SFU_PEERS. */
export const SfuId = z.string().regex(SFU_ID);

/**
 * Parses `id=url,id=url` (SPAZIO_SFU_PEERS, and SPAZIO_SFU_PUBLIC_URLS on the web); throws on a
 * malformed entry or a repeated id. An empty or missing list is `[]` (one SFU, no edges).
 */
export function parseSfuList(raw: string | undefined, name = "SPAZIO_SFU_PEERS"): SfuEntry[] {
  const out: SfuEntry[] = [];
  for (const part of (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    const id = part.slice(0, eq).trim();
    const url = part.slice(eq + 1).trim().replace(/\/+$/, "");
    if (eq < 1 || !SFU_ID.test(id)) throw new Error(`${name}: "${part}" is not id=url (id: a-z, 0-9, -)`);
    if (!/^(https?|wss?):\/\/[^\s/]+/.test(url)) throw new Error(`${name}: "${url}" is not an http(s) or ws(s) URL`);
    if (out.some((e) => e.id === id)) throw new Error(`${name}: id "${id}" is listed twice`);
    out.push({ id, url });
  }
  return out;
}

/** FNV-1a, 32 bits: small, stable and the same in every runtime. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The origin of a Space: rendezvous hashing over the listed ids, so each SFU is the origin of a
 * fair share of Spaces and adding an SFU moves only the Spaces it wins. Undefined for an empty list.
 */
export function originOf(spaceId: string, ids: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const id of ids) {
    const score = fnv1a(`${id}\n${spaceId}`);
    if (score > bestScore || (score === bestScore && best !== undefined && id < best)) {
      best = id;
      bestScore = score;
    }
  }
  return best;
}

const SpaceRoom = SfuRoomName.refine((r) => r.startsWith("s_"), "edges serve Space rooms (s_...)");
const Ip = z.string().min(2).max(64);
const Port = z.number().int().min(1).max(65535);
const SrtpParameters = z.object({ cryptoSuite: z.string().max(64), keyBase64: z.string().max(128) });

/** How often an edge renews each pipe; the origin drops a link not renewed in PIPE_LEASE_MS. */
export const PIPE_RENEW_MS = 5_000;
export const PIPE_LEASE_MS = 16_000;

/** An edge asks the origin for a Space's media: where its own PipeTransport listens. */
export const PipeOpenRequest = z.object({
  room: SpaceRoom,
  /** The asking edge's id in the list; the origin sends its events to that entry's URL. */
  edge: SfuId,
  ip: Ip,
  port: Port,
  srtp: SrtpParameters,
});
export type PipeOpenRequest = z.infer<typeof PipeOpenRequest>;

/** A producer on the origin, as an edge re-creates it (same id) from the pipe consumer's parameters. */
export const PipedProducer = z.object({
  producerId: z.string().min(1).max(64),
  sub: z.string().min(3).max(80),
  kind: z.enum(["audio", "video"]),
  source: MediaSource,
  rtpParameters: RtpParameters,
  paused: z.boolean(),
  /** Whether a pause is the room's (server mute) rather than the speaker's own. */
  pausedBy: z.enum(["server", "self"]).optional(),
});
export type PipedProducer = z.infer<typeof PipedProducer>;

/** The origin's answer: its own PipeTransport, and every producer of the Space now. */
export const PipeOpenResponse = z.object({
  ok: z.literal(true),
  link: z.string().min(1).max(64),
  ip: Ip,
  port: Port,
  srtp: SrtpParameters,
  producers: z.array(PipedProducer).max(64),
  /** Grants the origin holds for the removed and the people on stage, so the edge enforces them from the start. */
  grants: z.array(GrantRequest).max(5_000),
});
export type PipeOpenResponse = z.infer<typeof PipeOpenResponse>;

/** Renews or closes one edge's pipe of one Space. */
export const PipeLinkRequest = z.object({ room: SpaceRoom, edge: SfuId, link: z.string().min(1).max(64) });
export type PipeLinkRequest = z.infer<typeof PipeLinkRequest>;

/** What the origin tells an edge about a Space's producers, in order, per link. */
export const PipeEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("producerAdded"), room: SpaceRoom, link: z.string(), producer: PipedProducer }),
  z.object({ type: z.literal("producerClosed"), room: SpaceRoom, link: z.string(), producerId: z.string().max(64) }),
  z.object({
    type: z.literal("producerPaused"),
    room: SpaceRoom,
    link: z.string(),
    producerId: z.string().max(64),
    by: z.enum(["server", "self"]),
  }),
  z.object({ type: z.literal("producerResumed"), room: SpaceRoom, link: z.string(), producerId: z.string().max(64) }),
  /** The origin lost this pipe (its router went with a worker, or it stopped): the edge rebuilds. */
  z.object({ type: z.literal("pipeClosed"), room: SpaceRoom, link: z.string(), reason: z.string().max(200) }),
]);
export type PipeEvent = z.infer<typeof PipeEvent>;

/** A grant the Space room pushed to one SFU, passed on to the others that serve the Space. */
export const RelayedGrant = z.object({ from: SfuId, grant: GrantRequest });
export type RelayedGrant = z.infer<typeof RelayedGrant>;

/** The Space ended: every SFU serving it closes its room. */
export const RelayedClose = z.object({ from: SfuId, room: SfuRoomName });
export type RelayedClose = z.infer<typeof RelayedClose>;
