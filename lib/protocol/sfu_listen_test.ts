import assert from "node:assert/strict";
import { machineListenIps, parseListenIps } from "./sfu_listen.ts";

Deno.test("SPAZIO_SFU_LISTEN_IP: one address, a list, blank, or refused", () => {
  const table: [string | undefined, string[] | RegExp][] = [
    [undefined, ["127.0.0.1"]],
    ["", ["127.0.0.1"]],
    [" , ", ["127.0.0.1"]],
    ["203.0.113.13", ["203.0.113.13"]],
    ["127.0.0.1, 198.18.0.1", ["127.0.0.1", "198.18.0.1"]],
    ["127.0.0.1,127.0.0.1", ["127.0.0.1"]],
    ["::1", ["::1"]],
    ["localhost", /IP addresses separated by commas, got "localhost"/],
    ["127.0.0.1,256.1.1.1", /got "256.1.1.1"/],
  ];
  for (const [raw, want] of table) {
    if (want instanceof RegExp) assert.throws(() => parseListenIps(raw), want, String(raw));
    else assert.deepEqual(parseListenIps(raw), want, String(raw));
  }
});

Deno.test("the development list: loopback first, then the machine's own IPv4 addresses", () => {
  const deno = [
    { address: "127.0.0.1", family: "IPv4", internal: true },
    { address: "::1", family: "IPv6", internal: true },
    { address: "192.168.1.20", family: "IPv4" },
    { address: "fe80::1", family: "IPv6" },
    { address: "169.254.3.4", family: "IPv4" },
    { address: "10.0.0.5", family: "IPv4" },
    { address: "192.168.1.20", family: "IPv4" },
  ];
  assert.deepEqual(machineListenIps(deno), ["127.0.0.1", "192.168.1.20", "10.0.0.5"]);
  // Node 18.0-18.3 gave the family as a number.
  assert.deepEqual(machineListenIps([{ address: "198.18.0.1", family: 4, internal: false }]), [
    "127.0.0.1",
    "198.18.0.1",
  ]);
  assert.deepEqual(machineListenIps([]), ["127.0.0.1"]);
});
