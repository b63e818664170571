// Test only: the SFU (main.ts) with a tap on every producer a browser sends it, for
// tests/call_e2ee_e2e_test.ts. As the recorder does (recorder.ts), each producer is consumed by a
// PlainTransport (plain RTP on loopback) into an ffmpeg, which here decodes it: audio to 48 kHz
// mono s16le PCM, video to 64x48 grey frames (raw), in SPAZIO_TEST_TAP_DIR, each listed in
// taps.jsonl there ({producerId, kind, file, at}). What ffmpeg cannot decode leaves nothing (and
// its complaints in <file>.log). Never part of a deployment: tests start it instead of main.ts.
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import { appendFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureWorkerBinEnv } from "../worker-bin.ts";
import { FFMPEG } from "../recorder.ts";

const dir = process.env.SPAZIO_TEST_TAP_DIR;
if (!dir) throw new Error("tap-main.ts needs SPAZIO_TEST_TAP_DIR");
ensureWorkerBinEnv();
const mediasoup = await import("mediasoup");
type Router = import("mediasoup").types.Router;
type Producer = import("mediasoup").types.Producer;
const children = new Set<ChildProcess>();

async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => sock.bind(0, "127.0.0.1", resolve).once("error", reject));
  const { port } = sock.address();
  await new Promise<void>((r) => sock.close(() => r()));
  return port;
}

async function tap(router: Router, producer: Producer): Promise<void> {
  const port = await freeUdpPort();
  const transport = await router.createPlainTransport({ listenIp: { ip: "127.0.0.1" }, rtcpMux: true, comedia: false });
  const consumer = await transport.consume({
    producerId: producer.id,
    rtpCapabilities: router.rtpCapabilities,
    paused: true,
  });
  const codec = consumer.rtpParameters.codecs[0];
  const [, name] = codec.mimeType.split("/");
  const media = producer.kind === "audio"
    ? `m=audio ${port} RTP/AVP ${codec.payloadType}\na=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}/${
      codec.channels ?? 2
    }`
    : `m=video ${port} RTP/AVP ${codec.payloadType}\na=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}`;
  const base = path.join(dir!, `${producer.kind}-${producer.id}`);
  writeFileSync(
    `${base}.sdp`,
    `v=0\no=- 0 0 IN IP4 127.0.0.1\ns=tap\nc=IN IP4 127.0.0.1\nt=0 0\n${media}\na=rtcp-mux\na=recvonly\n`,
  );
  const out = producer.kind === "audio"
    ? ["-vn", "-f", "s16le", "-ar", "48000", "-ac", "1", `${base}.pcm`]
    : ["-an", "-vf", "scale=64:48", "-pix_fmt", "gray", "-fps_mode", "passthrough", "-f", "rawvideo", `${base}.gray`];
  const ff = spawn(FFMPEG, [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "warning",
    "-protocol_whitelist",
    "file,udp,rtp",
    "-i",
    `${base}.sdp`,
    "-flush_packets",
    "1",
    "-y",
    ...out,
  ], { stdio: ["ignore", "ignore", "pipe"] });
  children.add(ff);
  const log: string[] = [];
  ff.stderr!.on("data", (d) => log.push(String(d)));
  ff.on("exit", () => {
    children.delete(ff);
    writeFileSync(`${base}.log`, log.join(""));
  });
  await transport.connect({ ip: "127.0.0.1", port });
  appendFileSync(
    path.join(dir!, "taps.jsonl"),
    JSON.stringify({
      producerId: producer.id,
      kind: producer.kind,
      file: `${base}.${producer.kind === "audio" ? "pcm" : "gray"}`,
      at: Date.now(),
    }) + "\n",
  );
  // ffmpeg listens within a second; then the media, and for video keyframes to start from.
  setTimeout(() => {
    if (consumer.closed) return;
    void consumer.resume();
    if (producer.kind === "video") {
      for (const ms of [300, 1_500, 3_000]) setTimeout(() => !consumer.closed && void consumer.requestKeyFrame(), ms);
    }
  }, 1_000);
  const stop = () => {
    transport.close();
    setTimeout(() => ff.kill("SIGINT"), 500);
  };
  consumer.on("producerclose", stop);
  consumer.on("transportclose", stop);
}

mediasoup.observer.on("newworker", (worker) => {
  worker.observer.on("newrouter", (router) => {
    router.observer.on("newtransport", (transport) => {
      // Browsers' media only (not the tap's own transports, nor pipes between routers).
      if (!("iceParameters" in transport)) return;
      transport.observer.on("newproducer", (producer) => {
        tap(router, producer).catch((e) => console.error("tap failed:", e));
      });
    });
  });
});
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

await import("../main.ts");
