// The whole of Spazio for an end-to-end test: the web app, a partykit dev server and the SFU,
// wired to each other on free loopback ports.
import { freePort, PartyDev } from "./party.ts";
import { SfuProcess } from "./sfu.ts";
import { startWeb, type WebServer } from "./web.ts";

export interface Stack {
  web: WebServer;
  party: PartyDev;
  sfu: SfuProcess | null;
  close(): Promise<void>;
}

export async function startStack(opts: { sfu?: boolean } = {}): Promise<Stack> {
  const web = await startWeb();
  const sfuPort = await freePort();
  const sfuUrl = `http://127.0.0.1:${sfuPort}`;
  const party = await PartyDev.start({
    vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1"), SPAZIO_SFU_URL: sfuUrl },
  });
  web.deps.config.partyUrl = web.deps.config.partyPublicUrl = party.http;
  web.deps.config.sfuUrl = web.deps.config.sfuPublicUrl = sfuUrl;
  const sfu = opts.sfu ? await SfuProcess.start({ SPAZIO_SFU_PORT: String(sfuPort), SPAZIO_PARTY_URL: party.http }) : null;
  return {
    web,
    party,
    sfu,
    async close() {
      await sfu?.stop();
      await party.dispose();
      await web.close();
    },
  };
}
