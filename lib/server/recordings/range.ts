// Serving a stored recording with HTTP Range (RFC 9110 §14), so that a player seeks without
// downloading the whole file: one range per request (what media elements send), 206 with
// Content-Range; a range past the end is 416 with the size; a malformed Range header is 400 with
// a reason (browsers never send one, so it is a client to tell, not to guess for).
import type { RecordingStore } from "./store.ts";

export type ByteRange = { start: number; end: number };

/**
 * Reads a Range header against a file of `size` bytes: null when there is none (the whole file),
 * a range, "unsatisfiable" (416), or "malformed" (400). Several ranges are served as the whole
 * file, which RFC 9110 allows a server to do.
 */
export function parseRange(header: string | null, size: number): ByteRange | null | "unsatisfiable" | "malformed" {
  if (header === null) return null;
  const m = /^bytes=(.+)$/.exec(header.trim());
  if (!m) return "malformed";
  const parts = m[1].split(",").map((p) => p.trim());
  if (parts.some((p) => !/^(\d{1,15})?-(\d{1,15})?$/.test(p) || p === "-")) return "malformed";
  if (parts.length > 1) return null;
  const [a, b] = parts[0].split("-");
  if (a === "") {
    // The last b bytes.
    const n = Number(b);
    if (n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (b !== "" && Number(b) < start) return "malformed";
  if (start >= size) return "unsatisfiable";
  const end = b === "" ? size - 1 : Number(b);
  return { start, end: Math.min(end, size - 1) };
}

/** Answers GET or HEAD for `key` in `store` as `type`, honouring Range. */
export async function serveStored(
  req: Request,
  store: RecordingStore,
  key: string,
  type: string,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const file = await store.stat(key);
  if (!file) {
    return Response.json({ error: { code: "err.not_found", message: "This recording is not there." } }, {
      status: 404,
    });
  }
  const headers = new Headers({
    "content-type": type,
    "accept-ranges": "bytes",
    "last-modified": new Date(file.mtime).toUTCString(),
    ...extraHeaders,
  });
  const range = parseRange(req.headers.get("range"), file.size);
  if (range === "malformed") {
    return Response.json({
      error: {
        code: "err.bad_range",
        message: "The Range header is not a byte range this server reads (bytes=start-end).",
      },
    }, {
      status: 400,
    });
  }
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${file.size}`);
    return new Response(`The range is past the end of this ${file.size}-byte recording.`, { status: 416, headers });
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  headers.set("content-length", String(file.size === 0 ? 0 : end - start + 1));
  if (range) headers.set("content-range", `bytes ${start}-${end}/${file.size}`);
  const status = range ? 206 : 200;
  if (req.method === "HEAD" || file.size === 0) return new Response(null, { status, headers });
  return new Response(await store.read(key, start, end), { status, headers });
}
