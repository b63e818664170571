// The whole of Spazio for an end-to-end test: the web app, a partykit dev server and the SFU,
// wired to each other on free loopback ports, sharing one recordings folder (absolute: the SFU
// writes a recorded Space's tracks there, the web mixes the replay from them). With `sfus: 2` there
// are two SFU processes (ids "a" and "b" in SPAZIO_SFU_PEERS): each Space's origin and an edge.
import { RecordingService } from "../../lib/server/recordings/service.ts";
import { LocalRecordingStore } from "../../lib/server/recordings/store.ts";
import { freePort, PartyDev } from "./party.ts";
import { SfuProcess } from "./sfu.ts";
import { startWeb, type WebServer } from "./web.ts";

export interface Stack {
  web: WebServer;
  party: PartyDev;
  sfu: SfuProcess | null;
  /** Every SFU started (the first is `sfu`), with its id in SPAZIO_SFU_PEERS. */
  sfus: { id: string; process: SfuProcess }[];
  /** SPAZIO_RECORDINGS_DIR of every process. */
  recordingsDir: string;
  recordings: RecordingService;
  close(): Promise<void>;
}

export async function startStack(
  opts: {
    sfu?: boolean;
    /** How many SFU processes (with `sfu`); more than one makes an origin/edge list. */
    sfus?: number;
    /** SPAZIO_AUDIENCE_SHARD_SIZE for the Space rooms. */
    shardSize?: number;
    /** More environment for every SFU process (e.g. the network emulator's announced address and media ports). */
    sfuEnv?: Record<string, string>;
    /** The script under sfu/ each SFU runs (main.ts; a test's wrapper of it, e.g. test/tap-main.ts). */
    sfuEntry?: string;
  } = {},
): Promise<Stack> {
  const web = await startWeb();
  const recordingsDir = await Deno.makeTempDir({ prefix: "spazio-recordings-" });
  const recordings = web.deps.recordings ??= new RecordingService(web.deps.kv, new LocalRecordingStore(recordingsDir));
  const count = opts.sfu ? Math.max(1, opts.sfus ?? 1) : 1;
  const list = Array.from({ length: count }, (_, i) => {
    const port = freePort();
    return { id: String.fromCharCode(97 + i), port, url: `http://127.0.0.1:${port}` };
  });
  const sfuUrl = list[0].url;
  const peers = list.map((e) => `${e.id}=${e.url}`).join(",");
  const party = await PartyDev.start({
    vars: {
      SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1"),
      SPAZIO_SFU_URL: sfuUrl,
      ...(opts.shardSize !== undefined && { SPAZIO_AUDIENCE_SHARD_SIZE: String(opts.shardSize) }),
      ...(count > 1 && { SPAZIO_SFU_PEERS: peers }),
    },
  });
  web.deps.config.partyUrl = web.deps.config.partyPublicUrl = party.http;
  web.deps.config.sfuUrl = web.deps.config.sfuPublicUrl = sfuUrl;
  if (count > 1) web.deps.config.sfus = list.map((e) => ({ id: e.id, url: e.url, publicUrl: e.url }));
  const sfus: Stack["sfus"] = [];
  if (opts.sfu) {
    for (const [i, e] of list.entries()) {
      const env: Record<string, string> = {
        SPAZIO_SFU_PORT: String(e.port),
        SPAZIO_PARTY_URL: party.http,
        SPAZIO_RECORDINGS_DIR: recordingsDir,
        ...opts.sfuEnv,
      };
      if (count > 1) {
        // Each its own media ports, as on separate machines.
        Object.assign(env, {
          SPAZIO_SFU_ID: e.id,
          SPAZIO_SFU_PEERS: peers,
          SPAZIO_SFU_RTC_MIN_PORT: String(42000 + i * 1000),
          SPAZIO_SFU_RTC_MAX_PORT: String(42999 + i * 1000),
        });
      }
      sfus.push({ id: e.id, process: await SfuProcess.start(env, opts.sfuEntry) });
    }
  }
  const sfu = sfus[0]?.process ?? null;
  return {
    web,
    party,
    sfu,
    sfus,
    recordingsDir,
    recordings,
    async close() {
      for (const s of sfus) await s.process.stop();
      await party.dispose();
      await web.close();
      await Deno.remove(recordingsDir, { recursive: true }).catch(() => {});
    },
  };
}
