// Starts the real SFU (`tsx sfu/main.ts`, real mediasoup workers) as a child process on a free
// port, and signs tokens and control calls the way the web server and the Space room do.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../../../lib/protocol/defaults.ts";
import { mintRoomToken, signRequest } from "../../../lib/protocol/token.ts";
import { sfuHealth } from "../../../lib/protocol/internal_api.ts";
import type { SfuHealth } from "../../../lib/protocol/sfu_health.ts";
import { callSigned } from "../../../lib/protocol/signed_client.ts";

const SFU_DIR = fileURLToPath(new URL("../..", import.meta.url));

export type RunningSfu = {
  port: number;
  /** The SFU's Node process. */
  pid: number;
  url: string;
  wsUrl(token: string): string;
  control(
    path: "/control/grant" | "/control/close" | "/control/recording" | `/internal/${string}`,
    body: unknown,
    secret?: string,
  ): Promise<{ status: number; json: unknown }>;
  /** Every room and worker: the signed /control/health (the public /healthz tells neither). */
  health(): Promise<SfuHealth>;
  /** The internal listener's URL when SPAZIO_SFU_INTERNAL_PORT is set, else `url`. */
  internalUrl: string;
  /** Everything the SFU wrote to stderr so far. */
  stderr(): string;
  /** The exit of a process that stopped, or null while it runs. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The SFU's live mediasoup worker processes, lowest pid (oldest) first. */
  workerPids(): Promise<number[]>;
  stop(): Promise<void>;
};

export async function startSfu(env: Record<string, string> = {}): Promise<RunningSfu> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: SFU_DIR,
    env: {
      ...process.env,
      SPAZIO_SFU_PORT: "0",
      SPAZIO_SFU_WORKERS: "1",
      SPAZIO_PARTY_URL: "http://127.0.0.1:9",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
    // SPAZIO_TEST_SFU_LOG=1 shows the SFU's own complaints while a test runs.
    if (process.env.SPAZIO_TEST_SFU_LOG) process.stderr.write(d);
  });
  let internalPort = 0;
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`sfu did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        internalPort = Number(/\/internal\/\* on http:\/\/[^:]+:(\d+)/.exec(out)?.[1] ?? m[1]);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`sfu exited with ${code}: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const internalUrl = `http://127.0.0.1:${internalPort}`;
  const serverSecret = env.SPAZIO_SERVER_SECRET ?? process.env.SPAZIO_SERVER_SECRET ?? DEV_SERVER_SECRET;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    }
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    port,
    pid: child.pid!,
    url,
    internalUrl,
    wsUrl: (token) => `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`,
    async control(path, body, secret = serverSecret) {
      const text = JSON.stringify(body);
      const res = await fetch(internalUrl + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await signRequest(secret, text)) },
        body: text,
      });
      return { status: res.status, json: await res.json() };
    },
    async health() {
      const res = await callSigned(sfuHealth, { secret: serverSecret, to: internalUrl, params: undefined });
      if (!res.ok) throw new Error(`the SFU's health: ${res.error.message}`);
      return res.data;
    },
    stderr: () => stderr,
    exited,
    async workerPids() {
      const { execFileSync } = await import("node:child_process");
      // Only the mediasoup workers: tsx may also have an esbuild service child.
      let out = "";
      try {
        out = execFileSync("pgrep", ["-P", String(child.pid), "-f", "mediasoup-worker"], { encoding: "utf8" }).trim();
      } catch {
        // pgrep exits 1 when nothing matches.
      }
      return out ? out.split("\n").map(Number).sort((a, b) => a - b) : [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        // A process killed by a signal has no exit code, only a signal code.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

export function sfuToken(room: string, sub: string, secret = DEV_ROOM_SECRET): Promise<string> {
  return mintRoomToken(secret, { aud: "sfu", room, sub });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T> | T, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}
