// The mediasoup Device of a session, loaded ahead where the page can. `Device.load` asks the
// browser what it can send and receive by two throwaway offers (a new RTCPeerConnection with an
// audio and a video transceiver each), one after the other, and only then looks at the router's
// capabilities; neither offer depends on the router. Here every Device's two offers start at once,
// and a page that will connect (a Space opened from its link, lib/browser/space/early_start.ts)
// starts them as its media code runs, while its socket may still wait for the SFU's welcome; the
// load that comes with the router's capabilities finds them made. A ringing call, whose socket
// brought the capabilities already, loads the whole Device ahead (preloadDevice).
import { Device } from "mediasoup-client";
import type { RtpCapabilities } from "mediasoup-client/types";

type Direction = "recvonly" | "sendonly";
/** The part of mediasoup-client's handler factory `Device.load` takes the native capabilities from. */
interface NativeCaps {
  getNativeRtpCapabilities(o: { direction: Direction }): Promise<RtpCapabilities>;
}

/** A Device not loaded yet whose two native offers are already under way (warmDevice). */
let warm: Device | null = null;

/**
 * Starts both of a new Device's native offers now, at once; the next session's load takes it.
 * The Device's handler factory is mediasoup-client's own (3.24: `_handlerFactory`, a fresh object
 * per Device); where a version has none, this does nothing and the load makes its offers itself.
 */
export function warmDevice(): void {
  if (warm) return;
  let device: Device;
  try {
    device = new Device();
  } catch {
    return; // an unsupported browser: the session says so when it loads one
  }
  const factory = (device as unknown as { _handlerFactory?: NativeCaps })._handlerFactory;
  if (typeof factory?.getNativeRtpCapabilities !== "function") return;
  const native = factory.getNativeRtpCapabilities.bind(factory);
  const made: Partial<Record<Direction, Promise<RtpCapabilities>>> = {
    recvonly: native({ direction: "recvonly" }),
    sendonly: native({ direction: "sendonly" }),
  };
  for (const p of Object.values(made)) p.catch(() => {}); // a failure is met by the load that takes it
  factory.getNativeRtpCapabilities = ({ direction }) => {
    const ready = made[direction];
    delete made[direction]; // each offer answers one load; anything later asks the browser again
    return ready ?? native({ direction });
  };
  warm = device;
}

/** The same JSON for the same value whatever its keys' order (a schema's parse may reorder them). */
function canonical(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) =>
      x && typeof x === "object" && !Array.isArray(x)
        ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
        : x,
  );
}

/** A Device loading ahead of any session (preloadDevice): its router's capabilities, and it. */
let preloaded: { caps: string; device: Promise<Device | null> } | null = null;

/** A Device to load: the warm one, made now when there is none (its two offers at once even so). */
function takeDevice(): Device {
  warmDevice();
  const device = warm ?? new Device();
  warm = null;
  return device;
}

/**
 * Loads the mediasoup Device for a router whose capabilities came before any session was built (a
 * ringing call's socket, lib/browser/calls/call_client.ts): `Device.load` makes throwaway offers
 * (80-140 ms after an answer in bench:network), so an answer finds it loaded. The next build for
 * the same capabilities takes it.
 */
export function preloadDevice(caps: unknown): void {
  const key = canonical(caps);
  if (preloaded?.caps === key) return;
  const device = takeDevice();
  const loaded = device.load({ routerRtpCapabilities: caps as never }).then(() => device, () => null);
  preloaded = { caps: key, device: loaded };
}

/** A loaded Device for these capabilities: the preloaded one when it was for them, else another. */
export async function loadedDevice(caps: unknown): Promise<Device> {
  const early = preloaded;
  if (early && early.caps === canonical(caps)) {
    preloaded = null;
    const device = await early.device;
    if (device) return device;
  }
  const device = takeDevice();
  await device.load({ routerRtpCapabilities: caps as never });
  return device;
}
