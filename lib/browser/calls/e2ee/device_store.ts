// What this device keeps for end-to-end encrypted calls, in IndexedDB (never sent anywhere): its
// ECDH key pair (the private half non-extractable: script can use it, never read it), and per
// contact the fingerprints of the device keys seen in calls with them, each marked verified or not
// (the person compared the code). A key not seen before from a contact who had one is a changed key.
import { newDeviceKey } from "./keys.ts";

const DB = "spazio-e2ee";
const STORE = "kv";

export interface KnownDevices {
  /** Fingerprint -> verified. */
  devices: Record<string, boolean>;
}

function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const d = await db();
  try {
    return await new Promise<T>((resolve, reject) => {
      const req = run(d.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result as T);
      req.onerror = () => reject(req.error);
    });
  } finally {
    d.close();
  }
}

/** This device's key pair, made (and kept) the first time it is asked for. */
export async function deviceKey(): Promise<CryptoKeyPair> {
  const kept = await tx<CryptoKeyPair | undefined>("readonly", (s) => s.get("device"));
  if (kept) return kept;
  const pair = await newDeviceKey();
  await tx("readwrite", (s) => s.put(pair, "device"));
  return pair;
}

export async function knownDevices(peerId: string): Promise<KnownDevices> {
  return (await tx<KnownDevices | undefined>("readonly", (s) => s.get(`peer:${peerId}`))) ?? { devices: {} };
}

export async function rememberDevice(peerId: string, fp: string, verified: boolean): Promise<void> {
  const known = await knownDevices(peerId);
  known.devices[fp] = verified || known.devices[fp] === true;
  await tx("readwrite", (s) => s.put(known, `peer:${peerId}`));
}
