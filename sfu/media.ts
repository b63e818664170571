// Codec and transport settings shared by every router of every room, so a piped producer and a
// rebuilt router always offer the same capabilities as the first.
import type { types as ms } from "mediasoup";
import type { SfuConfig } from "./config.ts";

export const MEDIA_CODECS: ms.RtpCodecCapability[] = [
  {
    // mediasoup requires Opus declared with 2 channels; the voice itself is mono (stereo=0).
    // In-band FEC hides loss on bad mobile links; DTX makes silent speakers cost nearly nothing.
    kind: "audio",
    mimeType: "audio/opus",
    clockRate: 48000,
    channels: 2,
    parameters: { useinbandfec: 1, usedtx: 1, stereo: 0, "sprop-stereo": 0 },
  },
  { kind: "video", mimeType: "video/VP8", clockRate: 90000, parameters: { "x-google-start-bitrate": 600 } },
  {
    kind: "video",
    mimeType: "video/H264",
    clockRate: 90000,
    parameters: { "packetization-mode": 1, "profile-level-id": "42e01f", "level-asymmetry-allowed": 1 },
  },
];

export function webRtcTransportOptions(config: SfuConfig): ms.WebRtcTransportOptions {
  return {
    // The announced address (NAT) stands for the first listen address; the others are the
    // machine's own, offered as they are (lib/protocol/sfu_listen.ts).
    listenIps: config.listenIps.map((ip, i) => ({ ip, announcedIp: i === 0 ? config.announcedIp : undefined })),
    enableUdp: true,
    // TCP for networks that block UDP; ICE prefers UDP when both work.
    enableTcp: true,
    preferUdp: true,
    initialAvailableOutgoingBitrate: 600_000,
  };
}

/**
 * How often the speaking indicator may change, and the level that counts as speech. The observer
 * needs about 10 packets of a voice per interval: a Space's microphones send one every 60 ms
 * (opusPtime in lib/browser/media/space_audio.ts), so 800 ms sees 13; calls (20 ms) see 40.
 */
export const AUDIO_LEVEL = { interval: 800, threshold: -55, maxEntries: 8 } as const;

/**
 * The PipeTransport between a Space's origin and an edge: SRTP, because the two may be on
 * different hosts, and RTX, so a packet lost on that link can be asked for again.
 */
export function pipeTransportOptions(config: SfuConfig): ms.PipeTransportOptions {
  return { listenIp: { ip: config.listenIp, announcedIp: config.announcedIp }, enableSrtp: true, enableRtx: true };
}
