// What an SFU says about its health, in two forms. `GET /healthz` is public (a proxy's or a load
// balancer's health check, and the web's placement by load): whether it is whole and how loaded,
// never room ids or worker pids. The detail (every room, every worker) is an internal endpoint,
// signed with the server secret (`sfuHealth` in internal_api.ts), for operators and tests.
import { z } from "zod";

const Workers = z.object({ expected: z.number(), alive: z.number(), replacing: z.number() });
const Load = z.object({ peers: z.number(), workers: z.number(), score: z.number() });

/** `GET /healthz`: `ok` is false while a dead worker is being replaced or on the way down. */
export const SfuHealthSummary = z.object({
  ok: z.boolean(),
  /** This SFU's id in SPAZIO_SFU_PEERS ("" when alone). */
  sfuId: z.string(),
  workers: Workers,
  /** What the web places listeners by: peers, and peers per live worker (lower is emptier). */
  load: Load,
});
export type SfuHealthSummary = z.infer<typeof SfuHealthSummary>;

/** One room: `whole` is false from a worker death until its peers rebuilt. */
export const RoomHealth = z.object({
  name: z.string(),
  peers: z.number(),
  routers: z.number(),
  whole: z.boolean(),
  media: z.object({ transports: z.number(), producers: z.number(), consumers: z.number() }),
  /** `edge`: the producers come from the Space's origin SFU through a pipe (open or not yet). */
  role: z.enum(["origin", "edge"]),
  upstream: z.object({ open: z.boolean(), producers: z.number() }).optional(),
  /** On an origin of several SFUs: the edges it pipes this room to. */
  edges: z.number().optional(),
});
export type RoomHealth = z.infer<typeof RoomHealth>;

/** One worker; a dead one is listed until its replacement runs. */
export const WorkerHealth = z.object({ pid: z.number(), alive: z.boolean(), routers: z.number() });
export type WorkerHealth = z.infer<typeof WorkerHealth>;

/** The signed detail: the summary, every worker and every room. */
export const SfuHealth = SfuHealthSummary.extend({
  workerList: z.array(WorkerHealth),
  /** Routers over every room. */
  routers: z.number(),
  rooms: z.array(RoomHealth),
});
export type SfuHealth = z.infer<typeof SfuHealth>;
