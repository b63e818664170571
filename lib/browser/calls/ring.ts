// The ring of an incoming call, made with WebAudio (no audio file to fetch or cache): the
// two-tone cadence phones use, 2 s on, 4 s off, until stopped. `ringState` says whether it is
// really sounding: a browser may hold audio until the page gets a tap.
import { signal } from "@preact/signals";

export const ringState = signal<"off" | "on" | "blocked">("off");

let ctx: AudioContext | null = null;
let timer: ReturnType<typeof setInterval> | undefined;
let users = 0;

function burst(ac: AudioContext) {
  const gain = ac.createGain();
  gain.gain.value = 0.08;
  gain.connect(ac.destination);
  for (const f of [440, 480]) {
    const o = ac.createOscillator();
    o.frequency.value = f;
    o.connect(gain);
    o.start();
    o.stop(ac.currentTime + 2);
  }
}

/** Starts ringing (shared: two islands asking to ring make one ring). Returns a stop function. */
export function startRing(): () => void {
  users++;
  if (users === 1) {
    try {
      const ac = ctx ??= new AudioContext();
      ringState.value = "blocked";
      void ac.resume().then(() => {
        if (users > 0 && ac.state === "running") ringState.value = "on";
      }).catch(() => {});
      burst(ac);
      timer = setInterval(() => burst(ac), 6_000);
    } catch { /* no WebAudio: the screen still shows the call */ }
  }
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    users--;
    if (users === 0) {
      clearInterval(timer);
      ringState.value = "off";
      void ctx?.suspend().catch(() => {});
    }
  };
}
