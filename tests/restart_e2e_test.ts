// Faults and restarts, through `deno task start`'s own supervisor: the party server killed, the
// SFU killed (SIGKILL) and stopped (SIGTERM), all three killed at once, and the whole of Spazio
// stopped and started again on the same data. Each time an open listener's page hears the host
// again within 10 s, nobody's role changes, and the pages show what is really happening. A host
// who reloads while unmuted is heard again right after the reload.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  closeSheet,
  islandsReady,
  launchToneBrowser,
  newPerson,
  openSheet,
  screenshots,
  signUp,
  startSpaceAsHost,
} from "./support/browser.ts";
import { freePort, waitFor } from "./support/party.ts";
import { type MediaStats, READ_STATS, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ROOT = new URL("../", import.meta.url).pathname;
const stats = (page: Page) => page.evaluate(READ_STATS) as Promise<MediaStats>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `deno task start` on free ports and a data folder of its own; restartable on the same data. */
class Spazio {
  #child: Deno.ChildProcess | null = null;
  #log: string[] = [];
  readonly ports = { web: freePort(), party: freePort(), sfu: freePort() };
  constructor(readonly dataDir: string) {}

  get url() {
    return `http://localhost:${this.ports.web}`;
  }
  get log() {
    return this.#log.join("");
  }

  async start(): Promise<void> {
    const env: Record<string, string> = {
      SPAZIO_PORT: String(this.ports.web),
      SPAZIO_PARTY_PORT: String(this.ports.party),
      SPAZIO_SFU_PORT: String(this.ports.sfu),
      SPAZIO_KV: `${this.dataDir}/spazio.kv`,
      SPAZIO_PARTY_PERSIST: `${this.dataDir}/party`,
      SPAZIO_SFU_WORKERS: "1",
      // Media on loopback only: start's development default adds the machine's own addresses.
      SPAZIO_SFU_LISTEN_IP: "127.0.0.1",
      NO_COLOR: "1",
    };
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/start.ts", "--no-setup"],
      cwd: ROOT,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      stream.pipeThrough(new TextDecoderStream()).pipeTo(new WritableStream({ write: (t) => void this.#log.push(t) }))
        .catch(() => {});
    }
    await waitFor("Spazio to answer", async () => {
      const up = await Promise.all([
        fetch(`${this.url}/`).then((r) => (r.body?.cancel(), r.ok), () => false),
        fetch(`http://127.0.0.1:${this.ports.party}/healthz`).then(
          async (r) => (await r.json()).ok === true,
          () => false,
        ),
        fetch(`http://127.0.0.1:${this.ports.sfu}/healthz`).then(
          async (r) => (await r.json()).ok === true,
          () => false,
        ),
      ]);
      return up.every(Boolean) ? true : undefined;
    }, 60_000).catch((e) => {
      throw new Error(`${e.message}\n${this.log.slice(-4000)}`);
    });
  }

  /** Waits until the supervisor has the party server answering again. */
  async partyBack(): Promise<void> {
    await waitFor("the party server back", async () => {
      const ok = await fetch(`http://127.0.0.1:${this.ports.party}/healthz`).then(
        async (r) => (await r.json()).ok === true,
        () => false,
      );
      return ok ? true : undefined;
    }, 30_000);
  }

  /** The supervised process whose command line contains `marker` (a direct child of start.ts). */
  async pidOf(marker: string): Promise<number> {
    const children = (await Deno.readTextFile(`/proc/${this.#child!.pid}/task/${this.#child!.pid}/children`)).trim()
      .split(/\s+/);
    for (const pid of children) {
      const cmd = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
      if (cmd.replaceAll("\0", " ").includes(marker)) return Number(pid);
    }
    throw new Error(`no supervised process with ${marker}: ${children}`);
  }

  /** Ctrl-C: the supervisor stops every process and exits. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    child.kill("SIGINT");
    const code = await Promise.race([child.status.then((s) => s.code), sleep(15_000).then(() => null)]);
    if (code === null) {
      child.kill("SIGKILL");
      await child.status;
    }
  }
}

Deno.test(
  "every open page recovers after the party, the SFU, all of them, and the whole stack restart",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "spazio-restart-" });
    const spazio = new Spazio(dataDir);
    await spazio.start();
    const browser = await launchToneBrowser(300);
    try {
      const host = await newPerson(browser);
      const listener = await newPerson(browser);
      for (const p of [host, listener]) await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
      await signUp(host.page, spazio.url, "sturdy_host", "Sturdy Host");
      const h = host.page;
      const link = await startSpaceAsHost(h, spazio.url, "Still here");

      const l = listener.page;
      await l.goto(link);
      await islandsReady(l);

      /** Audio at the listener grows by 2 kB within `ms` of now. */
      const heard = async (what: string, ms = 10_000) => {
        const start = (await stats(l)).inboundAudioBytes;
        const since = Date.now();
        await waitFor(what, async () => ((await stats(l)).inboundAudioBytes > start + 2_000 ? true : undefined), ms)
          .catch(async (e) => {
            await screenshots(l, "restart-failed-listener");
            throw new Error(
              `${e.message}\nlistener: ${await l.locator(".space-room").textContent()}\n${spazio.log.slice(-3000)}`,
            );
          });
        return Date.now() - since;
      };
      /**
       * The room's state is back on both pages within 5 s: a comment the host posts now reaches the
       * listener exactly once; the host is alone on stage, still unmuted; both pages say Listening.
       */
      const roomBack = async (what: string) => {
        const text = `still here after: ${what}`;
        await openSheet(h, /^Comments/);
        await waitFor(`${what}: the host's comment sent`, async () => {
          if (await h.getByText(/Reconnecting|Connecting…/).count()) return undefined;
          await h.getByLabel("Add a comment").fill(text);
          await h.getByRole("button", { name: "Send" }).click();
          return (await h.getByLabel("Add a comment").inputValue()) === "" ? true : undefined;
        }, 5_000);
        await closeSheet(h);
        await openSheet(l, /^Comments/);
        await waitFor(
          `${what}: the comment at the listener`,
          async () => ((await l.getByText(text).count()) === 1 ? true : undefined),
          5_000,
        );
        await sleep(300);
        assert.equal(await l.getByText(text).count(), 1, "the comment arrived once");
        await closeSheet(l);
        assert.equal(await l.locator(".stage .member").count(), 1, "the stage is as it was");
        assert.match((await l.locator(".stage").textContent()) ?? "", /Sturdy Host/);
        await h.getByRole("button", { name: "Mute my microphone" }).waitFor({ timeout: 2_000 });
        for (const page of [h, l]) {
          await page.getByTestId("audio-state").filter({ hasText: "Listening" }).waitFor({ timeout: 5_000 });
        }
      };
      await heard("the host at the listener");
      const timings: Record<string, number> = {};

      // A process that stayed up 10 s is restarted after 1 s (the backoff is for crash loops).
      const upLongEnough = () => sleep(10_500);

      // 1. The party server is killed: the room comes back from its storage.
      Deno.kill(await spazio.pidOf("party_server.ts"), "SIGKILL");
      await sleep(500);
      timings.party = await heard("the host after the party server was killed");
      await spazio.partyBack();
      await roomBack("party killed");

      // 2. The SFU is killed, then stopped gracefully: both pages rebuild their media.
      Deno.kill(await spazio.pidOf("--import tsx"), "SIGKILL");
      await sleep(500);
      timings.sfuKilled = await heard("the host after the SFU was killed");
      await roomBack("SFU killed");
      await upLongEnough();
      Deno.kill(await spazio.pidOf("--import tsx"), "SIGTERM");
      await sleep(500);
      timings.sfuStopped = await heard("the host after the SFU was stopped");
      await roomBack("SFU stopped");

      // 3. All three are killed at once.
      await upLongEnough();
      const pids = [
        await spazio.pidOf("party_server.ts"),
        await spazio.pidOf("--import tsx"),
        await spazio.pidOf("run -A main.ts"),
      ];
      for (const pid of pids) Deno.kill(pid, "SIGKILL");
      await sleep(500);
      timings.allKilled = await heard("the host after every process was killed");
      await spazio.partyBack();
      await roomBack("all killed");

      // 4. The host reloads while unmuted: heard again right after, and the page says so.
      await h.reload();
      await islandsReady(h);
      await h.getByRole("button", { name: "Mute my microphone" }).waitFor();
      timings.hostReload = await heard("the host after reloading while unmuted");

      // 5. The whole of Spazio stops and starts again on the same data.
      await spazio.stop();
      await spazio.start();
      timings.wholeStack = await heard("the host after the whole stack restarted");
      await roomBack("whole stack restarted");
      await screenshots(l, "restart-listener");
      console.log(`recovery ms: ${JSON.stringify(timings)}`);
      assert.ok(spazio.log.includes("restarting in"), "the supervisor said it restarted a process");
    } finally {
      await browser.close();
      await spazio.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
);
