// What a receiving client may do to its own consumers: say it is ready, pause and resume them
// (a tile off screen, a hidden page, "audio only"), and pick the simulcast or SVC layer that fits
// a tile. Layer counts come from the consumer's own RTP parameters, so a layer the camera does not
// send is refused before mediasoup is asked.
import type { types as ms } from "mediasoup";
import type { SfuRequest } from "../lib/protocol/sfu.ts";
import { assertUnreachable, SfuError } from "./errors.ts";

/** Requests that touch one consumer. */
export type ConsumerRequest = Extract<
  SfuRequest,
  { type: "consumerReady" | "pauseConsumer" | "resumeConsumer" | "setConsumerLayers" }
>;

/** consumerReady is sent once per consumer and is not limited: a join with many speakers needs them all. */
export const LIMITED_CONSUMER_REQUESTS = new Set<SfuRequest["type"]>([
  "pauseConsumer",
  "resumeConsumer",
  "setConsumerLayers",
]);
/**
 * A page scrolling a grid of tiles or turning hidden changes a few consumers at once, a few times
 * a second at most; more is a flood. Refusals in a row past `refusalsBeforeClose` close the socket
 * (4008), as the socket-wide limit does.
 */
export const CONSUMER_RATE = { burst: 40, perSecond: 20, refusalsBeforeClose: 100 } as const;

/**
 * Spatial and temporal layer counts of what a consumer receives. mediasoup writes them into the
 * consumer's single encoding as a scalability mode: `S3T3` for three simulcast streams of three
 * temporal layers each, `L3T3` for SVC, none for one plain stream (1 and 1).
 */
export function layerCounts(rtpParameters: Pick<ms.RtpParameters, "encodings">): { spatial: number; temporal: number } {
  const mode = rtpParameters.encodings?.find((e) => e.scalabilityMode)?.scalabilityMode ?? "";
  const m = /^[LS]([1-9]\d?)T([1-9]\d?)/.exec(mode);
  const encodings = rtpParameters.encodings?.length ?? 1;
  if (!m) return { spatial: Math.max(1, encodings), temporal: 1 };
  return { spatial: Number(m[1]), temporal: Number(m[2]) };
}

/** Throws `bad_request` unless the layers exist in what this consumer receives. */
export function checkLayers(
  kind: "audio" | "video",
  counts: { spatial: number; temporal: number },
  spatial: number,
  temporal?: number,
): void {
  if (kind !== "video") throw new SfuError("bad_request", "setConsumerLayers: layers exist only on video consumers");
  if (spatial >= counts.spatial) {
    throw new SfuError(
      "bad_request",
      `setConsumerLayers: spatialLayer ${spatial} does not exist; this camera sends ${counts.spatial} (0 to ${
        counts.spatial - 1
      })`,
    );
  }
  if (temporal !== undefined && temporal >= counts.temporal) {
    throw new SfuError(
      "bad_request",
      `setConsumerLayers: temporalLayer ${temporal} does not exist; this camera sends ${counts.temporal} (0 to ${
        counts.temporal - 1
      })`,
    );
  }
}

/** Applies one request to a consumer the peer owns. */
export async function controlConsumer(consumer: ms.Consumer, req: ConsumerRequest): Promise<Record<string, never>> {
  switch (req.type) {
    case "consumerReady":
      // The client's word on whether it wants the media now; created paused, so ready resumes.
      if (req.paused) {
        if (!consumer.paused) await consumer.pause();
      } else if (consumer.paused) await consumer.resume();
      return {};
    case "pauseConsumer":
      if (!consumer.paused) await consumer.pause();
      return {};
    case "resumeConsumer":
      // mediasoup asks the sender for a key frame on a video resume.
      if (consumer.paused) await consumer.resume();
      return {};
    case "setConsumerLayers": {
      checkLayers(consumer.kind, layerCounts(consumer.rtpParameters), req.spatialLayer, req.temporalLayer);
      // A single-stream consumer has nothing to choose (only layer 0 passes the check).
      if (consumer.type === "simulcast" || consumer.type === "svc") {
        await consumer.setPreferredLayers({ spatialLayer: req.spatialLayer, temporalLayer: req.temporalLayer });
      }
      return {};
    }
    default:
      return assertUnreachable(req);
  }
}
