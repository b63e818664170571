// `deno task bench:network [--listeners N] [--listen S] [--call-runs N] [--only a,b] [--serial]
// [--trace-all]`: Spazio as a
// new listener meets it through a real network, emulated (tests/support/netem.ts) between the
// browsers and every server. A host (Chromium, a 440 Hz tone as the microphone) goes on air
// straight to the servers (its media flows exempt from shaping); then for each profile N anonymous
// listeners (5 by default) open the Space's link through the emulator, one after another:
//   join-to-audible p50/p95 (navigation start to inbound audio level above silence; and p50 from
//   the page's first script, which leaves out the browser's own start of the page), over a
//   listening window the concealed-samples ratio, packets lost (and their ratio), NACKs sent and
//   retransmitted packets received, and the host's mute: click to silence on each listener's side.
// The "outage" entry (loopback otherwise) cuts the listeners' path for 5 s (time from its return to
// audio) and then blocks UDP mid-listen (time to audio over TCP, 60 s at most). The "call" entry:
// a 1:1 audio call, both people at 100 ms RTT and 3% loss, Accept to both hearing.
// Prints a table and one JSON line per profile (progress on stderr).
import { parseArgs } from "node:util";
import { launchToneBrowser, newPerson, signUp, startSpaceAsHost } from "../tests/support/browser.ts";
import { type Profile, PROFILES, symmetric } from "../tests/support/netem.ts";
import { BESIDE_RELAY, exemptHost, startRelayedStack, THROUGH_RELAY } from "../tests/support/netem/stack.ts";
import { acceptToBothHear } from "./network_call.ts";
import {
  joinListeners,
  listenWindow,
  muteToListeners,
  outageToAudio,
  udpBlockedToAudio,
  type Window,
} from "./network_listeners.ts";
import { RECORD_PEER_CONNECTIONS } from "../tests/support/sfu.ts";
import { percentile } from "./percentile.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    listeners: { type: "string", short: "n", default: "5" },
    listen: { type: "string", default: "15" },
    "call-runs": { type: "string", default: "4" },
    only: { type: "string" },
    seed: { type: "string", default: "18" },
    serial: { type: "boolean", default: false },
    "trace-all": { type: "boolean", default: false },
  },
});
const N = Number(args.listeners);
const LISTEN_MS = Number(args.listen) * 1000;
const CALL_RUNS = Number(args["call-runs"]);
const OUTAGE_MS = 5_000;

type Entry = { name: string; profile: Profile; kind: "listeners" | "outage" | "call" };
const ENTRIES: Entry[] = [
  { name: "loopback", profile: PROFILES.loopback, kind: "listeners" },
  { name: "100ms", profile: PROFILES.rtt100, kind: "listeners" },
  { name: "100ms-3%-20ms", profile: PROFILES.rtt100Lossy, kind: "listeners" },
  { name: "300ms-5%-1mbit", profile: PROFILES.rtt300Slow, kind: "listeners" },
  { name: "outage-5s", profile: PROFILES.loopback, kind: "outage" },
  { name: "call-100ms-3%", profile: symmetric("100ms-3%", { rttMs: 100, loss: 0.03 }), kind: "call" },
];
const only = args.only?.split(",");
const entries = ENTRIES.filter((e) => !only || only.includes(e.name));

type Line = Record<string, string | number | null>;
const ms = (xs: number[], p: number) => {
  const ok = xs.filter((x) => x >= 0).sort((a, b) => a - b);
  return ok.length ? Math.round(percentile(ok, p)) : null;
};
const ratio = (x: number) => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : null);
const windowFigures = (w: Window): Line => ({
  concealed_ratio: ratio(w.concealedRatio),
  packets_lost: w.packetsLost,
  packets_received: w.packetsReceived,
  lost_ratio: ratio(w.lostRatio),
  nacks_sent: w.nacks,
  retransmitted_received: w.retransmitted,
});

const load = () => Deno.loadavg()[0].toFixed(2);
console.error(`bench:network: ${N} listeners per profile, ${LISTEN_MS / 1000} s windows; load ${load()}`);
const net = await startRelayedStack({ seed: Number(args.seed) });
const hostBrowser = await launchToneBrowser(60, 440, BESIDE_RELAY);
const farBrowser = await launchToneBrowser(60, 440, THROUGH_RELAY);
const lines: Line[] = [];
try {
  const host = await newPerson(hostBrowser);
  await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
  await signUp(host.page, net.web.url, "bench_net_host", "Bench Host");
  const link = await startSpaceAsHost(host.page, net.web.url, "Network bench");
  console.error(`host on air; ${await exemptHost(net.relay, host.page)} host flows left unshaped`);
  for (const e of entries) {
    console.error(`${e.name}: ${JSON.stringify(e.profile.down)} each way (load ${load()})`);
    net.relay.setProfile(e.profile);
    const line: Line = { bench: "network", profile: e.name };
    if (e.kind === "call") {
      const { times, fromTap } = await acceptToBothHear(farBrowser, net.web, CALL_RUNS);
      Object.assign(line, {
        runs: times.length,
        accept_to_both_hear_p50_ms: ms(times, 50),
        accept_to_both_hear_p95_ms: ms(times, 95),
        tap_to_both_hear_p50_ms: ms(fromTap, 50),
      });
    } else {
      const l = await joinListeners(farBrowser, link, N, { serial: args.serial, traceAll: args["trace-all"] });
      try {
        Object.assign(line, {
          listeners: N,
          join_audible_p50_ms: ms(l.joinMs, 50),
          join_audible_p95_ms: ms(l.joinMs, 95),
          join_from_script_p50_ms: ms(l.fromScriptMs, 50),
          ...(args.serial && { serial: true }),
        });
        if (e.kind === "listeners") {
          Object.assign(line, windowFigures(await listenWindow(l.pages, LISTEN_MS)));
          const mute = await muteToListeners(host.page, l.pages);
          Object.assign(line, { mute_to_listener_p50_ms: ms(mute, 50), mute_to_listener_p95_ms: ms(mute, 95) });
        } else {
          const back = await outageToAudio(net.relay, l.pages, OUTAGE_MS);
          const tcp = await udpBlockedToAudio(net.relay, l.pages);
          Object.assign(line, {
            outage_ms: OUTAGE_MS,
            outage_end_to_audio_p50_ms: ms(back, 50),
            outage_end_to_audio_p95_ms: ms(back, 95),
            outage_never_back: back.filter((t) => t < 0).length,
            udp_blocked_to_audio_p50_ms: ms(tcp, 50),
            udp_blocked_to_audio_p95_ms: ms(tcp, 95),
            udp_blocked_never_back: tcp.filter((t) => t < 0).length,
          });
        }
      } finally {
        await l.close();
      }
    }
    line.load = Number(load());
    lines.push(line);
    console.log(JSON.stringify(line));
  }
} finally {
  await farBrowser.close();
  await hostBrowser.close();
  await net.close();
}

// The table, after the JSON lines: one row per profile, "-" where a figure does not apply.
const cols: [string, string][] = [
  ["profile", "profile"],
  ["join_audible_p50_ms", "join p50"],
  ["join_audible_p95_ms", "join p95"],
  ["join_from_script_p50_ms", "from script p50"],
  ["concealed_ratio", "concealed"],
  ["lost_ratio", "lost"],
  ["nacks_sent", "NACKs"],
  ["retransmitted_received", "rtx"],
  ["mute_to_listener_p50_ms", "mute p50"],
  ["outage_end_to_audio_p50_ms", "outage->audio"],
  ["udp_blocked_to_audio_p50_ms", "udp blocked->audio"],
  ["accept_to_both_hear_p50_ms", "call accept->both"],
  ["tap_to_both_hear_p50_ms", "(from the tap)"],
];
const cell = (l: Line, k: string) => (l[k] === undefined || l[k] === null ? "-" : String(l[k]));
const widths = cols.map(([k, h]) => Math.max(h.length, ...lines.map((l) => cell(l, k).length)));
const row = (xs: string[]) => xs.map((x, i) => x.padEnd(widths[i])).join(" | ");
console.log(row(cols.map(([, h]) => h)));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const l of lines) console.log(row(cols.map(([k]) => cell(l, k))));
