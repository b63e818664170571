// A software passkey for tests that sign up over HTTP, as a script would: an ES256 key pair and the
// answer a platform authenticator gives to a registration challenge ("none" attestation), so the
// server's real WebAuthn verification makes a real account without a browser.
import { base64url } from "../../lib/protocol/token.ts";

/** The smallest CBOR writer a WebAuthn answer needs: unsigned/negative ints, bytes, text, maps. */
function cbor(value: unknown): Uint8Array {
  const head = (major: number, n: number): number[] => {
    if (n < 24) return [(major << 5) | n];
    if (n < 0x100) return [(major << 5) | 24, n];
    if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
    throw new Error("value too large for this writer");
  };
  if (typeof value === "number") return new Uint8Array(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    return new Uint8Array([...head(3, bytes.length), ...bytes]);
  }
  if (value instanceof Uint8Array) return new Uint8Array([...head(2, value.length), ...value]);
  if (value instanceof Map) {
    const parts: number[] = head(5, value.size);
    for (const [k, v] of value) parts.push(...cbor(k), ...cbor(v));
    return new Uint8Array(parts);
  }
  throw new Error(`cannot encode ${typeof value}`);
}

const sha256 = async (bytes: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));

/**
 * The registration answer (RegistrationResponseJSON) for `options` as returned by
 * /api/auth/register/options, from a new key pair, for a page at `origin`.
 */
export async function registrationAnswer(
  options: { challenge: string; rp: { id?: string } },
  origin: string,
): Promise<Record<string, unknown>> {
  const rpId = options.rp.id ?? new URL(origin).hostname;
  const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey));
  const cose = cbor(
    new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, raw.slice(1, 33)], [-3, raw.slice(33, 65)]]),
  );
  const credentialId = crypto.getRandomValues(new Uint8Array(16));
  // rpIdHash, flags (user present, user verified, attested credential data), sign count 0,
  // AAGUID (zeros), credential id length and id, then the public key.
  const authData = new Uint8Array([
    ...(await sha256(new TextEncoder().encode(rpId))),
    0x45,
    0,
    0,
    0,
    0,
    ...new Uint8Array(16),
    0,
    credentialId.length,
    ...credentialId,
    ...cose,
  ]);
  const attestationObject = cbor(
    new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]),
  );
  const clientData = { type: "webauthn.create", challenge: options.challenge, origin, crossOrigin: false };
  const id = base64url(credentialId);
  return {
    id,
    rawId: id,
    type: "public-key",
    response: {
      clientDataJSON: base64url(new TextEncoder().encode(JSON.stringify(clientData))),
      attestationObject: base64url(attestationObject),
      transports: ["internal"],
    },
    authenticatorAttachment: "platform",
    clientExtensionResults: {},
  };
}
