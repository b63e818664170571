// JSON answers on the SFU's HTTP server that never throw: a client that went away mid-request is
// normal on the internet, so writing to it is skipped, not reported.
import type { IncomingMessage, ServerResponse } from "node:http";

export function replyJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed || res.socket?.destroyed) return;
  res.on("error", () => {});
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers }).end(
    JSON.stringify(body),
  );
}

/** Why a body could not be read: too big (answer 413) or the client is gone (answer nothing). */
export class BodyError extends Error {
  constructor(readonly reason: "too_big" | "gone") {
    super(reason === "too_big" ? "body is too large" : "client went away");
  }
}

/**
 * Reads a request body of at most `maxBytes`. Past that it stops keeping what arrives but goes on
 * draining it for `drainMs`, so the client is done sending and reads the 413 instead of a reset.
 */
export function readBody(req: IncomingMessage, maxBytes: number, drainMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const tooBig = () => {
      req.removeListener("data", onData);
      // Node discards the rest after the answer and keeps the connection; a client that never
      // stops sending is cut off.
      req.resume();
      setTimeout(() => {
        if (!req.complete) req.destroy();
      }, drainMs).unref();
      reject(new BodyError("too_big"));
    };
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooBig();
      else chunks.push(chunk);
    };
    if (declared > maxBytes) return tooBig();
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("aborted", () => reject(new BodyError("gone")));
    req.on("error", () => reject(new BodyError("gone")));
    req.on("close", () => {
      if (!req.complete) reject(new BodyError("gone"));
    });
  });
}
