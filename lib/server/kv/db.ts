// Opens Deno KV: an embedded SQLite file by default, a remote KV (KV Connect) when given a URL.
export async function openKv(pathOrUrl: string): Promise<Deno.Kv> {
  if (pathOrUrl === ":memory:" || /^https?:\/\//.test(pathOrUrl)) return await Deno.openKv(pathOrUrl);
  const dir = pathOrUrl.replace(/[^/]*$/, "");
  if (dir) await Deno.mkdir(dir, { recursive: true });
  return await Deno.openKv(pathOrUrl);
}

/** Thrown when a write keeps losing races; the caller answers 409/503. */
export class ConflictError extends Error {
  constructor(message = "the record changed while it was being written; try again") {
    super(message);
    this.name = "ConflictError";
  }
}

/** Runs an optimistic read-check-write until it commits, a few times at most. */
export async function retryAtomic<T>(attempt: () => Promise<T | null>, tries = 8): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const r = await attempt();
    if (r !== null) return r;
  }
  throw new ConflictError();
}
