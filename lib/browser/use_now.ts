// The time, once a second, for durations on screen (the call screen, the mini call bar).
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

export function useNow(): number {
  const now = useSignal(Date.now());
  useEffect(() => {
    const id = setInterval(() => (now.value = Date.now()), 1_000);
    return () => clearInterval(id);
  }, []);
  return now.value;
}
