// The shape of a file under routes/: `handler` maps HTTP methods to Hono handlers; `params`
// narrows a dynamic segment to a pattern. scripts/routes.ts lists the files in routes.gen.ts,
// which app.tsx mounts.
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

export type RouteHandler = (c: Context<AppEnv>) => Response | Promise<Response>;
/** One handler per HTTP method the path answers (GET also answers HEAD, as in Hono). */
export type Handlers = Partial<Record<Method, RouteHandler>>;

export interface RouteModule {
  handler: Handlers;
  /** A regular expression per `[name]` segment, e.g. `{ handle: "@[A-Za-z0-9_]{1,20}" }`. */
  params?: Record<string, string>;
}

/** One line of routes.gen.ts: a path as the folder spells it (`/s/:id/edit`) and its file. */
export interface RouteEntry {
  path: string;
  module: RouteModule;
}

/** The Hono pattern for a route: each `:name` with its pattern, `:name{regex}`, where it has one. */
export function honoPath(path: string, params: Record<string, string> = {}): string {
  for (const name of Object.keys(params)) {
    if (!path.split("/").includes(`:${name}`)) throw new Error(`${path} has no [${name}] segment`);
  }
  return path.split("/").map((s) => s.startsWith(":") && params[s.slice(1)] ? `${s}{${params[s.slice(1)]}}` : s).join(
    "/",
  );
}
