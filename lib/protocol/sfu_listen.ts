// Where the SFU's WebRTC transports listen: SPAZIO_SFU_LISTEN_IP, one address or a comma-separated
// list, each put in the ICE candidates. Imports nothing runtime-specific (the SFU reads it under
// Node, `deno task start` fills the development default under Deno).
//
// Why a development machine needs more than 127.0.0.1: Firefox never pairs one of its own
// addresses with a loopback candidate unless both are loopback (nICEr's rule), it gathers loopback
// addresses only with a preference people do not set, and a page that captures nothing (a
// listener) gathers only on the address of its default route. A Firefox on the machine running
// `deno task start` reaches an SFU that offers only 127.0.0.1 by no pair at all: ICE fails. Offering
// the machine's own addresses too gives it a pair; Chromium keeps using loopback.

/** The SFU's own default (and the first of every development list). */
export const DEFAULT_LISTEN_IP = "127.0.0.1";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:]*:[0-9a-f:.]*$/i;

/** SPAZIO_SFU_LISTEN_IP as a list of addresses; unset or blank is 127.0.0.1. Throws on a non-address. */
export function parseListenIps(value: string | undefined): string[] {
  const list = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return [DEFAULT_LISTEN_IP];
  for (const ip of list) {
    if (!IPV4.test(ip) && !IPV6.test(ip)) {
      throw new Error(`SPAZIO_SFU_LISTEN_IP takes IP addresses separated by commas, got "${ip}"`);
    }
  }
  return [...new Set(list)];
}

/** What Deno.networkInterfaces() and Node's os.networkInterfaces() both say of an address. */
export interface InterfaceAddress {
  address: string;
  family: string | number;
  internal?: boolean;
}

/**
 * The development default: 127.0.0.1, then this machine's IPv4 addresses that are neither loopback
 * nor link-local (the one of its default route among them), for a Firefox on the same machine.
 */
export function machineListenIps(addresses: InterfaceAddress[]): string[] {
  const own = addresses.filter((a) =>
    (a.family === "IPv4" || a.family === 4) && !a.internal && IPV4.test(a.address) &&
    !a.address.startsWith("127.") && !a.address.startsWith("169.254.")
  ).map((a) => a.address);
  return [...new Set([DEFAULT_LISTEN_IP, ...own])];
}
