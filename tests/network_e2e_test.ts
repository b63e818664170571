// A listener on a poor network hears the Space: an anonymous listener whose every connection
// goes through the network emulator (tests/support/netem.ts) at 100 ms round trip and 3% loss
// each way hears the host's tone, and after their path is down for 5 s hears it again once the
// path returns. Behaviour only, with generous deadlines; the speeds are bench:network's.
import assert from "node:assert/strict";
import { launchBrowser, launchToneBrowser, newPerson, signUp, startSpaceAsHost } from "./support/browser.ts";
import { audible, AUDIBLE_LEVEL, inboundAudio } from "./support/listening.ts";
import { isLoopback, symmetric } from "./support/netem.ts";
import { waitFor } from "./support/party.ts";
import { BESIDE_RELAY, exemptHost, startRelayedStack, THROUGH_RELAY } from "./support/netem/stack.ts";
import { RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";

Deno.test({
  name: "a listener at 100 ms RTT and 3% loss hears the host, and hears them again after a 5 s outage",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const net = await startRelayedStack({ profile: symmetric("100ms-3%", { rttMs: 100, loss: 0.03 }), seed: 42 });
    const hostBrowser = await launchToneBrowser(120, 440, BESIDE_RELAY);
    const listenerBrowser = await launchBrowser([...THROUGH_RELAY, "--autoplay-policy=no-user-gesture-required"]);
    try {
      const host = await newPerson(hostBrowser);
      await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
      await signUp(host.page, net.web.url, "lossy_host", "Lossy Host");
      const link = await startSpaceAsHost(host.page, net.web.url, "Heard on a poor network");
      await exemptHost(net.relay, host.page); // the host is on a good network; the listener is not

      const context = await listenerBrowser.newContext();
      await context.addInitScript(RECORD_PEER_CONNECTIONS);
      const page = await context.newPage();
      await page.goto(link);
      await audible(page, "the listener hearing the host through a lossy 100 ms path", 15_000);
      const flows = net.relay.stats();
      assert.ok(
        flows.udpFlows > 0 && flows.tcpFlows > 0,
        `the listener's traffic crossed the relay: ${JSON.stringify(flows)}`,
      );

      net.relay.outage("all");
      await page.waitForTimeout(5_000);
      const during = await inboundAudio(page);
      net.relay.restore();
      await waitFor("audio again once the path returns", async () => {
        const a = await inboundAudio(page);
        return a.packetsReceived > during.packetsReceived + 25 && a.level > AUDIBLE_LEVEL ? a : undefined;
      }, 10_000);
      assert.ok([...net.relay.sentTo].every(isLoopback), [...net.relay.sentTo].join(" "));
      await context.close();
    } finally {
      await listenerBrowser.close();
      await hostBrowser.close();
      await net.close();
    }
  },
});
