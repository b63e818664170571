// Video fan-out capacity of one mediasoup worker: one speaker's Opus (50 packets/s) plus one VP8
// simulcast camera (three streams by SSRC: 1, 3 and 8 packets a frame at 15 fps, key frames every
// second) fed by RTP into PlainTransports, consumed by N listeners that each receive the audio
// and the camera at its lowest layer (preferred spatial layer 0, ~130 kbit/s) over SRTP, as a
// browser tile shown small would. Sinks count packets (bench/fanout-sink.c, one process for the
// audio payload type, one for VP8). N steps up until the loss passes 0.5% or the budget ends.
// Before the video is added, the first step is measured with audio alone, so the worker's cost
// of a video listener can be put next to an audio one.
// Run: cd sfu && node --import tsx ../bench/video-fanout.ts   (or `deno task bench:video`)
import dgram from "node:dgram";
import os from "node:os";
import { MEDIA_CODECS } from "../sfu/media.ts";
import { cpuMs, createWorker, LOSS_LIMIT_PCT, openSinks, type Router, sleep, SRTP_KEY } from "./fanout-kit.ts";

const WINDOW_MS = Number(process.env.VIDEO_WINDOW_MS ?? 5000);
const BUDGET_MS = Number(process.env.VIDEO_MAX_SECONDS ?? 240) * 1000;
const STEPS = (process.env.VIDEO_STEPS ?? "250,500,750,1000,1250,1500,1750,2000,2500,3000").split(",").map(Number);
const AUDIO_PT = 100;
const VP8_PT = 101;
const AUDIO_SSRC = 0x1234abcd;
const FPS = 15;
const KEYFRAME_EVERY = FPS; // one a second: a new consumer starts at the next one
/** Packets per frame of each simulcast stream, smallest first, and their payload size. */
const LAYERS = [1, 3, 8];
const VIDEO_PAYLOAD = 1000;
const VIDEO_SSRCS = [0x22220001, 0x22220002, 0x22220003];
const SRTP = { cryptoSuite: "AES_CM_128_HMAC_SHA1_80" as const, keyBase64: SRTP_KEY };

/** One VP8 RTP packet: payload descriptor with picture id, TL0PICIDX and TID, then the frame bytes. */
function vp8Packet(
  seq: number,
  ts: number,
  ssrc: number,
  picture: number,
  first: boolean,
  last: boolean,
  key: boolean,
): Buffer {
  const pkt = Buffer.alloc(12 + 6 + VIDEO_PAYLOAD);
  pkt[0] = 0x80;
  pkt[1] = (last ? 0x80 : 0) | VP8_PT;
  pkt.writeUInt16BE(seq & 0xffff, 2);
  pkt.writeUInt32BE(ts >>> 0, 4);
  pkt.writeUInt32BE(ssrc, 8);
  pkt[12] = 0x80 | (first ? 0x10 : 0); // X, S (start of partition 0)
  pkt[13] = 0xe0; // I, L, T
  pkt[14] = 0x80 | ((picture >> 8) & 0x7f); // 15-bit picture id
  pkt[15] = picture & 0xff;
  pkt[16] = picture & 0xff; // TL0PICIDX
  pkt[17] = 0x20; // TID 0, layer sync
  const p = 18;
  if (first) {
    // Frame tag: P bit 0 for a key frame, show_frame; a key frame carries the start code and size.
    pkt[p] = key ? 0x10 : 0x11;
    if (key) {
      pkt.set([0x9d, 0x01, 0x2a], p + 3);
      pkt.writeUInt16LE(320, p + 6);
      pkt.writeUInt16LE(180, p + 8);
    }
  }
  for (let j = p + 10; j < pkt.length; j++) pkt[j] = (seq + j) & 0xff;
  return pkt;
}

async function main(): Promise<void> {
  const started = Date.now();
  const worker = await createWorker();
  const router: Router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const plainIn = () => router.createPlainTransport({ listenIp: { ip: "127.0.0.1" }, rtcpMux: true, comedia: true });
  const audioIn = await plainIn();
  const videoIn = await plainIn();
  const audio = await audioIn.produce({
    kind: "audio",
    rtpParameters: {
      codecs: [{ mimeType: "audio/opus", clockRate: 48000, channels: 2, payloadType: AUDIO_PT }],
      encodings: [{ ssrc: AUDIO_SSRC }],
    },
  });
  const video = await videoIn.produce({
    kind: "video",
    rtpParameters: {
      codecs: [{
        mimeType: "video/VP8",
        clockRate: 90000,
        payloadType: VP8_PT,
        rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "ccm", parameter: "fir" }],
      }],
      encodings: VIDEO_SSRCS.map((ssrc) => ({ ssrc })),
    },
  });
  const audioSinks = await openSinks(8, AUDIO_PT);
  const videoSinks = await openSinks(8, VP8_PT);
  const audioOut = dgram.createSocket("udp4");
  const videoOut = dgram.createSocket("udp4");

  // One clock for both streams, paced against the wall clock so a busy event loop does not lower
  // the offered load. Counts what was sent of the audio and of the lowest video layer.
  let audioSeq = 0;
  let frame = 0;
  const layerSeq = LAYERS.map(() => 0);
  const sent = { audio: 0, videoLow: 0 };
  const sendAudio = () => {
    const pkt = Buffer.alloc(12 + 80);
    pkt[0] = 0x80;
    pkt[1] = AUDIO_PT;
    pkt.writeUInt16BE(audioSeq & 0xffff, 2);
    pkt.writeUInt32BE((audioSeq * 960) >>> 0, 4);
    pkt.writeUInt32BE(AUDIO_SSRC, 8);
    pkt[12] = 0x78;
    audioSeq++;
    sent.audio++;
    audioOut.send(pkt, audioIn.tuple.localPort, "127.0.0.1");
  };
  const sendFrame = () => {
    const key = frame % KEYFRAME_EVERY === 0;
    LAYERS.forEach((packets, layer) => {
      for (let i = 0; i < packets; i++) {
        const pkt = vp8Packet(
          layerSeq[layer]++,
          frame * (90000 / FPS),
          VIDEO_SSRCS[layer],
          frame & 0x7fff,
          i === 0,
          i === packets - 1,
          key,
        );
        videoOut.send(pkt, videoIn.tuple.localPort, "127.0.0.1");
      }
    });
    sent.videoLow += LAYERS[0];
    frame++;
  };
  const sendFor = async (ms: number) => {
    const start = Date.now();
    let nextAudio = start;
    let nextFrame = start;
    while (Date.now() - start < ms) {
      const now = Date.now();
      if (now >= nextAudio) {
        sendAudio();
        nextAudio += 20;
      }
      if (now >= nextFrame) {
        sendFrame();
        nextFrame += 1000 / FPS;
      }
      await sleep(Math.max(0, Math.min(nextAudio, nextFrame) - Date.now()));
    }
  };

  const measure = async (N: number, withVideo: boolean) => {
    const a0 = await audioSinks.received();
    const v0 = await videoSinks.received();
    const s0 = { ...sent };
    const [cpu0] = cpuMs([worker]);
    const t0 = Date.now();
    await sendFor(WINDOW_MS);
    const elapsed = Date.now() - t0;
    const cpu = cpuMs([worker])[0] - cpu0;
    await sleep(500); // drain what is still queued
    const gotAudio = (await audioSinks.received()) - a0;
    const gotVideo = (await videoSinks.received()) - v0;
    const wantAudio = N * (sent.audio - s0.audio);
    const wantVideo = withVideo ? N * (sent.videoLow - s0.videoLow) : 0;
    const loss = (
      got: number,
      want: number,
    ) => (want ? Math.round(Math.max(0, (1 - got / want) * 100) * 100) / 100 : 0);
    return {
      loss_pct: loss(gotAudio + gotVideo, wantAudio + wantVideo),
      audio_loss_pct: loss(gotAudio, wantAudio),
      video_loss_pct: withVideo ? loss(gotVideo, wantVideo) : null,
      worker_cpu_pct: Math.round((cpu / elapsed) * 1000) / 10,
      out_mbit_s: Math.round(
        (((gotAudio * (12 + 80 + 10)) + gotVideo * (12 + 6 + VIDEO_PAYLOAD + 10)) * 8) / elapsed / 1000 * 10,
      ) / 10,
      loadavg: Math.round(os.loadavg()[0] * 10) / 10,
      /** Worker CPU ms per second of media, per listener. */
      cpu_ms_per_s_per_listener: Math.round((cpu / elapsed) * 1000 / N * 1000) / 1000,
    };
  };
  const measureTwice = async (N: number, withVideo: boolean) => {
    // A shared machine can starve the worker for a moment: a lossy window is measured again.
    const first = await measure(N, withVideo);
    if (first.loss_pct <= LOSS_LIMIT_PCT) return { ...first, attempts: 1 };
    return { ...(await measure(N, withVideo)), attempts: 2 };
  };

  let audioListeners = 0;
  let videoListeners = 0;
  const addAudio = async (n: number) => {
    for (; audioListeners < n; audioListeners++) {
      const t = await router.createPlainTransport({
        listenIp: { ip: "127.0.0.1" },
        rtcpMux: true,
        comedia: false,
        enableSrtp: true,
        srtpCryptoSuite: SRTP.cryptoSuite,
      });
      await t.connect({
        ip: "127.0.0.1",
        port: audioSinks.ports[audioListeners % audioSinks.ports.length],
        srtpParameters: SRTP,
      });
      const c = await t.consume({ producerId: audio.id, rtpCapabilities: router.rtpCapabilities });
      if (c.rtpParameters.codecs[0].payloadType !== AUDIO_PT) {
        throw new Error("the audio sink counts payload type 100 only");
      }
    }
  };
  const addVideo = async (n: number) => {
    for (; videoListeners < n; videoListeners++) {
      // Its own transport only because a sink counts one payload type per port; per-packet SRTP
      // work, which is what the worker spends on a listener, is the same.
      const t = await router.createPlainTransport({
        listenIp: { ip: "127.0.0.1" },
        rtcpMux: true,
        comedia: false,
        enableSrtp: true,
        srtpCryptoSuite: SRTP.cryptoSuite,
      });
      await t.connect({
        ip: "127.0.0.1",
        port: videoSinks.ports[videoListeners % videoSinks.ports.length],
        srtpParameters: SRTP,
      });
      const c = await t.consume({
        producerId: video.id,
        rtpCapabilities: router.rtpCapabilities,
        preferredLayers: { spatialLayer: 0, temporalLayer: 0 },
      });
      if (c.type !== "simulcast" || c.rtpParameters.codecs[0].payloadType !== VP8_PT) {
        throw new Error("expected a VP8 simulcast consumer");
      }
    }
  };

  await sendFor(1500); // the producer's streams become active before anyone consumes
  let audioOnly: Awaited<ReturnType<typeof measure>> | null = null;
  let withVideoFirst: Awaited<ReturnType<typeof measure>> | null = null;
  for (const N of STEPS) {
    if (Date.now() - started > BUDGET_MS) break;
    await addAudio(N);
    if (!audioOnly) {
      await sendFor(1000);
      audioOnly = await measureTwice(N, false);
      console.log(JSON.stringify({ bench: "video-fanout-audio-only", workers: 1, listeners: N, ...audioOnly }));
    }
    await addVideo(N);
    await sendFor(2500); // warm-up: every new consumer has had a key frame
    const result = await measureTwice(N, true);
    withVideoFirst ??= result;
    console.log(JSON.stringify({ bench: "video-fanout", workers: 1, listeners: N, ...result }));
    if (result.loss_pct > LOSS_LIMIT_PCT) break;
  }
  if (audioOnly && withVideoFirst) {
    const audioCost = audioOnly.cpu_ms_per_s_per_listener;
    const videoCost = Math.round((withVideoFirst.cpu_ms_per_s_per_listener - audioCost) * 1000) / 1000;
    console.log(JSON.stringify({
      bench: "video-listener-cost",
      workers: 1,
      listeners: STEPS[0],
      // Worker CPU ms per second (0.1 % of a core) spent on one listener's audio, on its video at
      // the lowest layer, and the ratio.
      audio_cpu_ms_per_s: audioCost,
      video_cpu_ms_per_s: videoCost,
      video_to_audio: Math.round((videoCost / audioCost) * 100) / 100,
      audio_pps: 50,
      video_pps: LAYERS[0] * FPS,
    }));
  }
  audioOut.close();
  videoOut.close();
  audioSinks.close();
  videoSinks.close();
  worker.close();
}

await main();
