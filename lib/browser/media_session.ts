// What the lock screen and the system's media controls show while Spazio plays: a live Space, a
// replay or a call, with the app's icon as artwork. A browser without the Media Session API gets
// nothing, and no error.

/** The app icon, in the sizes the manifest lists. */
const ARTWORK: MediaImage[] = [
  { src: "/static/icons/icon-192.png", sizes: "192x192", type: "image/png" },
  { src: "/static/icons/icon-512.png", sizes: "512x512", type: "image/png" },
];

/** Sets what is playing; false where the Media Session API is missing. */
export function showNowPlaying(now: { title: string; artist: string; album: string }): boolean {
  if (!("mediaSession" in navigator)) return false;
  navigator.mediaSession.metadata = new MediaMetadata({ ...now, artwork: ARTWORK });
  return true;
}
