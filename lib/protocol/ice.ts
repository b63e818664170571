// The ICE servers the web hands a page with its SFU token (a Space's join tokens, a call's media
// access): TURN relays with short-lived credentials (lib/server/turn.ts), and whether the page may
// only use them. The browser gives them to mediasoup-client's transports (lib/browser/media/).
// Imports nothing runtime-specific: the web server and the browser both load it.
import { z } from "zod";

/** One relay as RTCIceServer: its URLs (`turn:`/`turns:`, or `stun:`) and credentials valid until the username's time. */
export const IceServer = z.object({
  urls: z.array(z.string().regex(/^(stun|turns?):[^\s]+$/).max(300)).min(1).max(8),
  username: z.string().min(1).max(512),
  credential: z.string().min(1).max(512),
});
export type IceServer = z.infer<typeof IceServer>;

/**
 * What a page's peer connections use to reach the SFU: `relay` sends everything through the
 * servers (SPAZIO_TURN_FORCE_RELAY, a diagnostic); `all` also tries the SFU directly.
 */
export const IceConfig = z.object({
  iceServers: z.array(IceServer).max(4),
  iceTransportPolicy: z.enum(["all", "relay"]),
  /**
   * Seconds the servers' credentials stay valid from when the page got them: a page open longer
   * asks for new ones before then (lib/browser/media/ice_refresh.ts). Relative, so that a page's
   * clock being off does not matter.
   */
  ttl: z.number().int().positive().max(7 * 86_400).optional(),
});
export type IceConfig = z.infer<typeof IceConfig>;
