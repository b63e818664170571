// The web server's recording service: one per KV, files under SPAZIO_RECORDINGS_DIR (the data
// folder's `recordings/` by default), kept for SPAZIO_RECORDING_DAYS (30) days.
import type { Deps } from "../http/env.ts";
import type { RoomTimeline } from "../../protocol/space_http.ts";
import { DEFAULT_RECORDINGS_DIR, RECORDINGS_DIR_ENV } from "../../protocol/recording_files.ts";
import { spaceTimeline } from "../../protocol/internal_api.ts";
import { callSigned } from "../../protocol/signed_client.ts";
import { DEFAULT_RETENTION_MS, RecordingService } from "./service.ts";
import { LocalRecordingStore } from "./store.ts";

const byKv = new WeakMap<Deno.Kv, RecordingService>();

export function recordingsDir(): string {
  return Deno.env.get(RECORDINGS_DIR_ENV) ?? DEFAULT_RECORDINGS_DIR;
}

export function retentionMs(): number {
  const days = Number(Deno.env.get("SPAZIO_RECORDING_DAYS"));
  return Number.isFinite(days) && days > 0 ? days * 24 * 3600_000 : DEFAULT_RETENTION_MS;
}

export function recordingService(deps: Deps): RecordingService {
  if (deps.recordings) return deps.recordings;
  let svc = byKv.get(deps.kv);
  if (!svc) {
    byKv.set(
      deps.kv,
      svc = new RecordingService(deps.kv, new LocalRecordingStore(recordingsDir()), { retentionMs: retentionMs() }),
    );
  }
  return svc;
}

/**
 * Expiry: the KV queue delivers each recording's and clip's message when it is due (messages
 * outlive restarts); what fell due while the server was down goes at start-up.
 */
export async function startRecordingJobs(deps: Deps): Promise<void> {
  const svc = recordingService(deps);
  deps.kv.listenQueue(async (msg) => {
    if (!(await svc.onQueue(msg))) {
      console.warn("web: a queue message nobody handles:", JSON.stringify(msg).slice(0, 200));
    }
  }).catch((err) => console.error("web: the KV queue stopped:", err));
  const n = await svc.expireDue().catch((err) => (console.error("web: expiring recordings failed:", err), 0));
  if (n) console.log(`web: ${n} recordings and clips had expired while the server was down; removed`);
}

/** Largest timeline the web reads from a room (5,000 comments of 280 characters fit). */
const MAX_TIMELINE_BYTES = 8 << 20;

/**
 * What the Space room kept of its recording (signed GET `?timeline`); null when it has none or
 * cannot be reached: the replay is made all the same, with the SFU's speaking intervals only.
 */
export async function roomTimeline(deps: Deps, spaceId: string): Promise<RoomTimeline | null> {
  const res = await callSigned(spaceTimeline, {
    secret: deps.config.serverSecret,
    to: deps.config.partyUrl,
    params: { spaceId },
    timeoutMs: 10_000,
    maxAnswerBytes: MAX_TIMELINE_BYTES,
  });
  if (res.ok) return res.data;
  const { status, code, message } = res.error;
  if (code === "unreachable") console.warn(`web: the timeline of ${spaceId} could not be read:`, message);
  else if (code === "bad_answer") {
    console.warn(`web: the room of ${spaceId} sent a timeline that is not valid: ${message}`);
  } else if (status !== 404) console.warn(`web: the room of ${spaceId} did not give its timeline (${status})`);
  return null;
}
