// A URL parameter resolved to the record it names, or a 404: the people, calls and Spaces that
// several routes look up the same way.
import type { Context } from "hono";
import type { User } from "../kv/users.ts";
import type { SpaceRecord } from "../kv/spaces.ts";
import { CallId } from "../../protocol/call.ts";
import { SpaceService } from "../spaces/service.ts";
import { normaliseHandle } from "../../protocol/text.ts";
import type { AppEnv } from "./env.ts";
import { HttpError, notFound } from "./errors.ts";
import { requireUser } from "./guards.ts";

/** The person a DM or call route names (`bob`, `@bob`, ` Bob `). */
export async function personByHandle(c: Context<AppEnv>, raw: string): Promise<User> {
  const u = await c.get("deps").users.byHandle(normaliseHandle(raw).slice(0, 20));
  if (!u) throw notFound();
  return u;
}

/** The person a profile or social route names (`bob`, `@bob`; no trimming, as these URLs always were). */
export async function userByHandle(c: Context<AppEnv>, handle: string): Promise<User> {
  const u = await c.get("deps").users.byHandle(handle.replace(/^@/, "").toLowerCase().slice(0, 20));
  if (!u) throw notFound();
  return u;
}

/** The target of a social action (`:handle`): exists, and is not the signed-in actor. */
export async function otherPerson(c: Context<AppEnv>): Promise<{ me: User; them: User }> {
  const me = requireUser(c);
  const them = await userByHandle(c, c.req.param("handle") ?? "");
  if (them.id === me.id) throw new HttpError(400, "err.self");
  return { me, them };
}

/** A well-formed call id (`:id`); anything else is a 404. */
export function callIdParam(c: Context<AppEnv>): string {
  const id = CallId.safeParse(c.req.param("id"));
  if (!id.success) throw notFound();
  return id.data;
}

/** The Space `:id` names. */
export async function spaceParam(c: Context<AppEnv>): Promise<SpaceRecord> {
  const space = await new SpaceService(c.get("deps")).spaces.get(c.req.param("id") ?? "");
  if (!space) throw new HttpError(404, "err.not_found");
  return space;
}
