// The whole stack (tests/support/stack.ts) behind the network emulator (tests/support/netem.ts).
// The servers stay on 127.0.0.1; the relay listens on 127.0.0.2 on the same ports. Pages reach
// the web, the party rooms and the SFU's signalling by the name "localhost" (the web hands out
// http://localhost:<port> for the party and the SFU), so a browser launched with THROUGH_RELAY
// (Chromium's host resolver maps localhost to 127.0.0.2) goes through the relay, and one with
// BESIDE_RELAY goes straight to the servers with the same origin and cookies. Media has no name
// to map: the SFU announces 127.0.0.2 (SPAZIO_SFU_ANNOUNCED_IP) on a small media port range the
// relay covers, so every browser's media crosses the relay (on loopback sockets: both flag lists
// allow them); exemptHost() leaves a host's flows unshaped.
import dgram from "node:dgram";
import { type Stack, startStack } from "../stack.ts";
import type { Page } from "playwright-core";
import { NetemRelay, type Profile, PROFILES } from "../netem.ts";
import { waitFor } from "../party.ts";
import { statsOf } from "../sfu.ts";

/** Where the relay listens. */
export const RELAY_IP = "127.0.0.2";

/**
 * Chromium flags every browser of a relayed stack needs: its media sockets on loopback. Without it
 * Chromium's ICE uses only the machine's other addresses, which the relay never answers (it sends
 * nothing outside 127.0.0.0/8), so media would fall back to TCP. A browser with these flags alone
 * reaches the web, party and SFU straight; its media still crosses the relay.
 */
export const BESIDE_RELAY = ["--allow-loopback-in-peer-connection"];

/** Chromium flags of a browser whose every connection goes through the relay. */
export const THROUGH_RELAY = [`--host-resolver-rules=MAP localhost ${RELAY_IP}`, ...BESIDE_RELAY];

export interface RelayedStack extends Stack {
  relay: NetemRelay;
  /** The SFU's media ports (UDP and TCP), all relayed. */
  mediaPorts: { min: number; max: number };
}

/**
 * Starts web, party and SFU with the relay in front of them, shaping by `profile` (loopback by
 * default). `mediaPorts` is how many media ports the SFU gets (each WebRTC transport takes one
 * UDP and one TCP port).
 */
export async function startRelayedStack(
  opts: { profile?: Profile; seed?: number; mediaPorts?: number } = {},
): Promise<RelayedStack> {
  const count = opts.mediaPorts ?? 48;
  const min = await freePortBlock(count, ["127.0.0.1", RELAY_IP]);
  const max = min + count - 1;
  const stack = await startStack({
    sfu: true,
    sfuEnv: {
      SPAZIO_SFU_LISTEN_IP: "127.0.0.1",
      SPAZIO_SFU_ANNOUNCED_IP: RELAY_IP,
      SPAZIO_SFU_RTC_MIN_PORT: String(min),
      SPAZIO_SFU_RTC_MAX_PORT: String(max),
    },
  });
  let relay: NetemRelay;
  try {
    const media = Array.from({ length: count }, (_, i) => min + i);
    relay = await NetemRelay.start({
      listenIp: RELAY_IP,
      tcpPorts: [stack.web.port, stack.party.port, stack.sfu!.port, ...media],
      udpPorts: media,
      profile: opts.profile ?? PROFILES.loopback,
      seed: opts.seed,
    });
  } catch (e) {
    await stack.close();
    throw e;
  }
  // Pages reach the party and the SFU by name, which each browser resolves to the relay or not.
  const config = stack.web.deps.config;
  config.partyPublicUrl = `http://localhost:${stack.party.port}`;
  config.sfuPublicUrl = `http://localhost:${stack.sfu!.port}`;
  return {
    ...stack,
    relay,
    mediaPorts: { min, max },
    async close() {
      await relay.close();
      await stack.close();
    },
  };
}

/**
 * The first of `count` consecutive ports free for TCP and UDP on every address of `ips`, below
 * the ephemeral range (32768+), so that no outgoing connection takes one meanwhile.
 */
export async function freePortBlock(count: number, ips: string[]): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const start = 20_000 + Math.floor(Math.random() * (12_000 - count));
    const held: { close(): void }[] = [];
    let ok = true;
    try {
      for (let p = start; p < start + count && ok; p++) {
        for (const hostname of ips) {
          held.push(Deno.listen({ hostname, port: p, transport: "tcp" }));
          const udp = dgram.createSocket("udp4");
          held.push(udp);
          await new Promise<void>((resolve, reject) => {
            udp.once("error", reject);
            udp.bind(p, hostname, () => resolve());
          });
        }
      }
    } catch {
      ok = false;
    } finally {
      for (const h of held) h.close();
    }
    if (ok) return start;
  }
  throw new Error(`no ${count} consecutive free ports for the relay`);
}

/**
 * Once a host's page is sending audio (it must record its peer connections:
 * RECORD_PEER_CONNECTIONS), moves the media flows open now (its own) to the unshaped lane, so
 * that a test or bench measures the listeners' path alone. Returns how many flows moved.
 */
export async function exemptHost(relay: NetemRelay, host: Page): Promise<number> {
  await waitFor(
    "the host's audio leaving",
    async () => ((await statsOf(host)).outboundAudioBytes > 5_000 ? true : undefined),
    20_000,
  );
  return relay.exemptCurrentFlows();
}
