// Where the worker binary is when MEDIASOUP_WORKER_BIN is not set: the cache path that
// scripts/build-mediasoup-worker.sh writes, keyed by the same version and script hash.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MS_VERSION = "3.12.16";

export function cachedWorkerBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const script = fileURLToPath(new URL("../scripts/build-mediasoup-worker.sh", import.meta.url));
  if (!existsSync(script)) return undefined;
  const hash = createHash("sha256").update(readFileSync(script)).digest("hex").slice(0, 12);
  const root = env.SPAZIO_CACHE || path.join(os.homedir(), ".cache", "spazio");
  const bin = path.join(root, `mediasoup-worker-${MS_VERSION}-${hash}`, "mediasoup-worker");
  return existsSync(bin) ? bin : undefined;
}

/** mediasoup reads MEDIASOUP_WORKER_BIN when it is first imported, so call this before that. */
export function ensureWorkerBinEnv(): string {
  if (!process.env.MEDIASOUP_WORKER_BIN) {
    const bin = cachedWorkerBin();
    if (!bin) throw new Error("no mediasoup worker: run `bash scripts/setup-sfu.sh` or set MEDIASOUP_WORKER_BIN");
    process.env.MEDIASOUP_WORKER_BIN = bin;
  }
  return process.env.MEDIASOUP_WORKER_BIN;
}
