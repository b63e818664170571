// The ring of an incoming call, made with WebAudio (no audio file to fetch or cache): the
// two-tone cadence phones use, 2 s on, 4 s off, until stopped.
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
      ctx ??= new AudioContext();
      // Browsers may keep the context suspended until a tap; the ring then starts on the first one.
      void ctx.resume().catch(() => {});
      burst(ctx);
      timer = setInterval(() => ctx && burst(ctx), 6_000);
    } catch { /* no WebAudio: the screen still shows the call */ }
  }
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    users--;
    if (users === 0) {
      clearInterval(timer);
      void ctx?.suspend().catch(() => {});
    }
  };
}

/** Whether a ring is sounding now (tests read it through the call screen's data-ring). */
export function ringing(): boolean {
  return users > 0 && ctx?.state === "running";
}
