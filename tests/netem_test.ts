// The network emulator (tests/support/netem.ts) does what it is asked: its own probes see the round
// trip and loss of the profile, a rate cap holds a transfer back, outages cut UDP alone or every
// byte until the path returns, and a real Chromium listener's WebRTC stats through it (the
// selected ICE pair's round trip, inbound audio loss) agree with the profile. Nothing it sends
// leaves 127.0.0.0/8. Ranges, never speeds: a loaded machine only adds delay.
import assert from "node:assert/strict";
import { launchBrowser, launchToneBrowser, newPerson, signUp, startSpaceAsHost } from "./support/browser.ts";
import { audible, inboundAudio } from "./support/listening.ts";
import { isLoopback, NetemRelay, NotLoopbackError, symmetric } from "./support/netem.ts";
import { framedStunNetworkId, stunNetworkId } from "./support/netem/stun.ts";
import { BESIDE_RELAY, exemptHost, startRelayedStack, THROUGH_RELAY } from "./support/netem/stack.ts";
import { RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";

const allLoopback = (relay: NetemRelay) => [...relay.sentTo].every(isLoopback);

Deno.test("the emulator binds and sends to 127.0.0.0/8 only", async () => {
  for (const a of ["127.0.0.1", "127.0.0.2", "127.255.255.254"]) assert.ok(isLoopback(a), a);
  for (const a of ["10.0.0.1", "198.18.0.1", "::1", "localhost", "0.0.0.0", "128.0.0.1", "127.0.0.256"]) {
    assert.ok(!isLoopback(a), a);
  }
  for (const opt of ["targetIp", "listenIp", "upstreamIp"]) {
    const e = await NetemRelay.start({ [opt]: "198.18.0.1" }).catch((e) => e);
    assert.ok(e instanceof NotLoopbackError, `${opt}: ${e}`);
  }
});

Deno.test("a STUN check's network (GOOG-NETWORK-INFO) is read, framed or not", () => {
  // A binding request: USERNAME "ab:cd" (padded to 8), then GOOG-NETWORK-INFO id 7, cost 50.
  const msg = new Uint8Array(20 + 4 + 8 + 4 + 4);
  const v = new DataView(msg.buffer);
  v.setUint16(0, 0x0001);
  v.setUint16(2, msg.byteLength - 20);
  v.setUint32(4, 0x2112a442);
  v.setUint16(20, 0x0006);
  v.setUint16(22, 5);
  msg.set(new TextEncoder().encode("ab:cd"), 24);
  v.setUint16(32, 0xc057);
  v.setUint16(34, 4);
  v.setUint16(36, 7);
  v.setUint16(38, 50);
  assert.equal(stunNetworkId(msg), 7);
  const framed = new Uint8Array(2 + msg.byteLength);
  new DataView(framed.buffer).setUint16(0, msg.byteLength);
  framed.set(msg, 2);
  assert.equal(framedStunNetworkId(framed), 7);
  assert.equal(stunNetworkId(new Uint8Array(40)), null, "not STUN: no magic cookie");
  assert.equal(framedStunNetworkId(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")), null);
});

Deno.test("the relay's own probes see the round trip and loss it was asked for", async () => {
  const relay = await NetemRelay.start({ profile: symmetric("100ms", { rttMs: 100 }), seed: 3 });
  try {
    const clean = await relay.probe({ count: 100, intervalMs: 10 });
    assert.equal(clean.received, 100, "no loss asked, none made");
    assert.ok(clean.rttMs.min >= 99, `no probe faster than the profile: ${clean.rttMs.min}`);
    assert.ok(clean.rttMs.p50 >= 99 && clean.rttMs.p50 <= 160, `RTT p50 ${clean.rttMs.p50} ms`);

    relay.setProfile(symmetric("lossy", { rttMs: 60, loss: 0.05, jitterMs: 20 }));
    const lossy = await relay.probe({ count: 400, intervalMs: 5 });
    // 5% each way: 1 - 0.95^2 = 9.75% of round trips.
    assert.ok(lossy.loss >= 0.05 && lossy.loss <= 0.15, `round-trip loss ${lossy.loss}`);
    assert.ok(lossy.rttMs.min >= 20 && lossy.rttMs.p50 <= 130, `jittered RTT ${JSON.stringify(lossy.rttMs)}`);
    assert.ok(lossy.rttMs.max - lossy.rttMs.min >= 20, `jitter spreads round trips: ${JSON.stringify(lossy.rttMs)}`);
    const stats = relay.stats();
    assert.ok(stats.up.lost > 0 && stats.down.lost > 0, JSON.stringify(stats));

    relay.outage("udp");
    const blocked = await relay.probe({ count: 20, intervalMs: 5, waitMs: 300 });
    assert.equal(blocked.received, 0, "UDP blocked: no probe comes back");
    relay.restore();
    assert.ok(allLoopback(relay), [...relay.sentTo].join(" "));
  } finally {
    await relay.close();
  }
});

Deno.test("TCP through the relay: the rate cap holds a transfer back, an outage holds bytes until the path returns, UDP blocking leaves TCP alone", async () => {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (server.addr as Deno.NetAddr).port;
  const serving = (async () => {
    for await (const c of server) c.readable.pipeTo(c.writable).catch(() => {});
  })();
  const relay = await NetemRelay.start({ tcpPorts: [port], profile: symmetric("1mbit", { rateKbps: 1000 }) });
  const conn = await Deno.connect({ hostname: "127.0.0.2", port });
  const echo = async (bytes: number) => {
    const t0 = performance.now();
    const body = new Uint8Array(bytes).fill(7);
    const writing = (async () => {
      for (let off = 0; off < bytes;) off += await conn.write(body.subarray(off));
    })();
    const buf = new Uint8Array(65536);
    let got = 0;
    while (got < bytes) {
      const n = await conn.read(buf);
      if (n === null) throw new Error("closed");
      got += n;
    }
    await writing;
    return performance.now() - t0;
  };
  try {
    // 100 kB each way at 1 Mbit/s: at least 0.8 s for one direction's serialisation.
    const ms = await echo(100_000);
    assert.ok(ms >= 800, `100 kB echoed at a 1 Mbit/s cap in ${ms} ms`);

    relay.setProfile(symmetric("fast"));
    relay.outage("udp");
    assert.ok((await echo(1000)) < 5000, "TCP passes while UDP is blocked");
    relay.restore();

    const ends = relay.outage("all", 1000)!;
    await echo(1000);
    assert.ok(performance.now() >= ends - 5, "bytes sent during an outage arrive after it ends");
    assert.ok(allLoopback(relay));
  } finally {
    conn.close();
    await relay.close();
    server.close();
    await serving;
  }
});

Deno.test({
  name: "a Chromium listener through the relay at 100 ms RTT and 3% loss: its ICE round trip and audio loss agree",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const net = await startRelayedStack({ profile: symmetric("100ms-3%", { rttMs: 100, loss: 0.03 }), seed: 18 });
    const hostBrowser = await launchToneBrowser(120, 440, BESIDE_RELAY);
    const listenerBrowser = await launchBrowser([...THROUGH_RELAY, "--autoplay-policy=no-user-gesture-required"]);
    try {
      const host = await newPerson(hostBrowser);
      await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
      await signUp(host.page, net.web.url, "netem_host", "Netem Host");
      const link = await startSpaceAsHost(host.page, net.web.url, "Through the emulator");
      await exemptHost(net.relay, host.page); // the host's own media is not what this test measures
      const context = await listenerBrowser.newContext();
      await context.addInitScript(RECORD_PEER_CONNECTIONS);
      const page = await context.newPage();
      await page.goto(link);
      await audible(page, "the listener hearing the host through the relay", 30_000);
      const before = net.relay.stats().down.lost;
      await page.waitForTimeout(20_000); // ~330 Opus packets (60 ms each) at 3% loss
      const a = await inboundAudio(page);
      const relayLost = net.relay.stats().down.lost - before;
      const expected = a.packetsReceived + a.packetsLost;
      console.log(`listener: ${JSON.stringify(a)}; relay lost ${relayLost} downstream datagrams meanwhile`);
      assert.ok(a.protocols.includes("udp"), `media over UDP: ${a.protocols}`);
      assert.ok(a.rttS >= 0.08 && a.rttS <= 0.25, `candidate-pair RTT ${a.rttS} s at a 100 ms profile`);
      assert.ok(expected > 250, `audio packets expected: ${expected}`);
      // Loss the page saw, repaired (NACKs sent) or not: about 3% of its packets.
      const seen = (a.packetsLost + a.nackCount) / expected;
      assert.ok(
        seen >= 0.005 && seen <= 0.12,
        `loss seen by the page ${seen} (lost ${a.packetsLost}, nacks ${a.nackCount})`,
      );
      assert.ok(a.packetsLost <= net.relay.stats().down.lost, "the page lost no more than the relay dropped");
      assert.ok(allLoopback(net.relay), [...net.relay.sentTo].join(" "));
      await context.close();
    } finally {
      await listenerBrowser.close();
      await hostBrowser.close();
      await net.close();
    }
  },
});
