// The whole of Spazio for an end-to-end test: the web app, a partykit dev server and the SFU,
// wired to each other on free loopback ports, sharing one recordings folder (absolute: the SFU
// writes a recorded Space's tracks there, the web mixes the replay from them).
import { RecordingService } from "../../lib/recordings/service.ts";
import { LocalRecordingStore } from "../../lib/recordings/store.ts";
import { freePort, PartyDev } from "./party.ts";
import { SfuProcess } from "./sfu.ts";
import { startWeb, type WebServer } from "./web.ts";

export interface Stack {
  web: WebServer;
  party: PartyDev;
  sfu: SfuProcess | null;
  /** SPAZIO_RECORDINGS_DIR of every process. */
  recordingsDir: string;
  recordings: RecordingService;
  close(): Promise<void>;
}

export async function startStack(opts: { sfu?: boolean } = {}): Promise<Stack> {
  const web = await startWeb();
  const recordingsDir = await Deno.makeTempDir({ prefix: "spazio-recordings-" });
  const recordings = web.deps.recordings ??= new RecordingService(web.deps.kv, new LocalRecordingStore(recordingsDir));
  const sfuPort = await freePort();
  const sfuUrl = `http://127.0.0.1:${sfuPort}`;
  const party = await PartyDev.start({
    vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1"), SPAZIO_SFU_URL: sfuUrl },
  });
  web.deps.config.partyUrl = web.deps.config.partyPublicUrl = party.http;
  web.deps.config.sfuUrl = web.deps.config.sfuPublicUrl = sfuUrl;
  const sfu = opts.sfu
    ? await SfuProcess.start({ SPAZIO_SFU_PORT: String(sfuPort), SPAZIO_PARTY_URL: party.http, SPAZIO_RECORDINGS_DIR: recordingsDir })
    : null;
  return {
    web,
    party,
    sfu,
    recordingsDir,
    recordings,
    async close() {
      await sfu?.stop();
      await party.dispose();
      await web.close();
      await Deno.remove(recordingsDir, { recursive: true }).catch(() => {});
    },
  };
}
