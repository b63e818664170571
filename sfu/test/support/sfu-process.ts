// Starts the real SFU (`tsx sfu/main.ts`, real mediasoup workers) as a child process on a free
// port, and signs tokens and control calls the way the web server and the Space room do.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../../../lib/protocol/defaults.ts";
import { mintRoomToken, signRequest } from "../../../lib/protocol/token.ts";
import type { SfuHealth } from "../../server.ts";

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
  health(): Promise<SfuHealth>;
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
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`sfu did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`sfu exited with ${code}: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
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
    wsUrl: (token) => `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`,
    async control(path, body, secret = DEV_SERVER_SECRET) {
      const text = JSON.stringify(body);
      const res = await fetch(url + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await signRequest(secret, text)) },
        body: text,
      });
      return { status: res.status, json: await res.json() };
    },
    async health() {
      return (await (await fetch(`${url}/healthz`)).json()) as SfuHealth;
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
