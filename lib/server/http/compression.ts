// Response compression, chosen by Accept-Encoding: brotli or gzip.
// - Dynamic text (HTML, JSON, the manifest, the service worker, /static/ files) is compressed on
//   the fly: brotli at quality 5 (about a millisecond for a page, smaller than gzip -6), else gzip.
// - The island bundles under /_build/ are compressed once at build time (scripts/build.ts writes
//   .br and .gz beside each file); `precompressedBuild` serves those files and nothing here ever
//   compresses them again.
// Never compressed: responses already encoded, under 1 KiB, event streams, bodiless statuses
// (204, 304, HEAD), partial content, `Cache-Control: no-transform`.
import type { MiddlewareHandler } from "hono";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

export type Encoding = "br" | "gzip";

/** Types worth compressing: text, JSON, JavaScript, SVG, XML, the web app manifest. Not event streams. */
export const COMPRESSIBLE =
  /^\s*(?:text\/(?!event-stream)[\w.+-]+|application\/(?:json|javascript|ecmascript|xml|wasm|[\w.-]+\+(?:json|xml))|image\/svg\+xml)\s*(?:;|$)/i;

/** Smaller than this is sent as it is: the headers would cost more than the saving. */
export const MIN_BYTES = 1024;
/** Larger bodies are not buffered to be compressed (nothing dynamic is this big). */
const MAX_BYTES = 8 * 1024 * 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The encoding to answer with, among those we offer: the client's highest q-value, brotli on a
 * tie; null for none (no header, `identity`, or q=0 on everything we have).
 */
export function pickEncoding(
  acceptEncoding: string | null | undefined,
  offered: readonly Encoding[] = ["br", "gzip"],
): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const enc of offered) {
    const v = q.get(enc) ?? q.get("*") ?? 0;
    if (v > bestQ) [best, bestQ] = [enc, v];
  }
  return best;
}

/** Adds Accept-Encoding to Vary (once), so that caches keep one copy per encoding. */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("vary");
  if (vary === "*" || (vary && /(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary))) return;
  headers.set("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
}

export async function compressBytes(
  bytes: Uint8Array,
  encoding: Encoding,
): Promise<Uint8Array<ArrayBuffer>> {
  const out = encoding === "br"
    ? await brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    })
    : await gzipAsync(bytes, { level: 6 });
  return new Uint8Array(out);
}

function compressible(res: Response, method: string): boolean {
  if (method === "HEAD" || !res.body) return false;
  if (res.status < 200 || res.status === 204 || res.status === 206 || res.status === 304) {
    return false;
  }
  if (res.headers.has("content-encoding")) return false;
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get("cache-control") ?? "")) {
    return false;
  }
  return COMPRESSIBLE.test(res.headers.get("content-type") ?? "");
}

/** Compresses dynamic responses on the fly; `skip` names paths served precompressed. */
export function compression(opts: { skip?: (path: string) => boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (opts.skip?.(c.req.path) || !compressible(c.res, c.req.method)) return;
    varyOnEncoding(c.res.headers);
    const encoding = pickEncoding(c.req.header("accept-encoding"));
    if (!encoding) return;
    const declared = Number(c.res.headers.get("content-length") ?? NaN);
    if (declared < MIN_BYTES || declared > MAX_BYTES) return;
    const bytes = new Uint8Array(await c.res.arrayBuffer());
    const res = c.res;
    if (bytes.length < MIN_BYTES) {
      c.res = new Response(bytes, res);
      return;
    }
    // Hono copies the old response's headers onto the new one: the length must go afterwards.
    c.res = new Response(await compressBytes(bytes, encoding), res);
    c.res.headers.delete("content-length");
    c.res.headers.set("content-encoding", encoding);
    const etag = c.res.headers.get("etag");
    if (etag && !etag.startsWith("W/")) c.res.headers.set("etag", `W/${etag}`);
  };
}

/**
 * The files under /_build/ from `root`, as the build compressed them: the .br or .gz beside the
 * file when the client takes it (by q-value, as for dynamic answers), the file itself otherwise;
 * Vary on every answer. The build output is flat: a name with a slash or a dot-dot is no file.
 */
export function precompressedBuild(root: string): MiddlewareHandler {
  return async (c, next) => {
    const name = /^\/_build\/([\w-][\w.-]*\.js)$/.exec(c.req.path)?.[1];
    if (!name || (c.req.method !== "GET" && c.req.method !== "HEAD")) return await next();
    const encoding = pickEncoding(c.req.header("accept-encoding"));
    const read = (file: string) => Deno.readFile(`${root}/${file}`).catch(() => null);
    const packed = encoding && await read(`${name}.${encoding === "br" ? "br" : "gz"}`);
    const body = packed ?? await read(name);
    if (!body) return await next();
    const headers = new Headers({
      "content-type": "text/javascript; charset=utf-8",
      "content-length": String(body.length),
    });
    if (packed) headers.set("content-encoding", encoding!);
    varyOnEncoding(headers);
    return c.newResponse(c.req.method === "HEAD" ? null : body, 200, Object.fromEntries(headers));
  };
}
