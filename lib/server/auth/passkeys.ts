// Passkey ceremonies (WebAuthn discoverable credentials) with SimpleWebAuthn. Each challenge is
// stored server-side and consumed once, before verification, so a replayed response always fails.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { z } from "zod";
import { HttpError } from "../http/errors.ts";
import { fromBase64url, randomId } from "../../protocol/token.ts";
import type { ChallengePurpose, PendingChallenge, SessionStore } from "../kv/sessions.ts";
import type { Passkey, User, UserStore } from "../kv/users.ts";

const RP_NAME = "Spazio";

export interface RelyingParty {
  /** The page origin, e.g. http://localhost:8000. */
  origin: string;
  /** The RP ID: the origin's host name (WebAuthn refuses IP addresses). */
  rpID: string;
}

export function relyingParty(origin: string): RelyingParty {
  return { origin, rpID: new URL(origin).hostname };
}

// Only the shape is checked here; the cryptography is SimpleWebAuthn's.
const CredentialResponse = z.object({
  id: z.string().min(1).max(1400),
  rawId: z.string().min(1).max(1400),
  type: z.literal("public-key"),
  response: z.object({ clientDataJSON: z.string().min(1).max(4000) }).passthrough(),
  clientExtensionResults: z.record(z.unknown()).default({}),
}).passthrough();

/** Reads the challenge the browser signed, then takes it out of the store (once only). */
async function takeChallenge(
  sessions: SessionStore,
  raw: unknown,
  purpose: ChallengePurpose,
): Promise<{ response: z.infer<typeof CredentialResponse>; challenge: string; pending: PendingChallenge }> {
  const parsed = CredentialResponse.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, "err.bad_request", "malformed credential response");
  let challenge: string;
  try {
    const client = JSON.parse(new TextDecoder().decode(fromBase64url(parsed.data.response.clientDataJSON)));
    challenge = String(client.challenge);
  } catch {
    throw new HttpError(400, "err.bad_request", "malformed clientDataJSON");
  }
  const pending = await sessions.consumeChallenge(challenge, purpose);
  if (!pending) throw new HttpError(400, "err.challenge");
  return { response: parsed.data, challenge, pending };
}

export class PasskeyService {
  constructor(private readonly users: UserStore, private readonly sessions: SessionStore) {}

  async registrationOptions(rp: RelyingParty, handle: string, displayName: string) {
    const webauthnUserId = randomId(9);
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: rp.rpID,
      userName: handle,
      userDisplayName: displayName,
      userID: new TextEncoder().encode(webauthnUserId),
      attestationType: "none",
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    await this.sessions.saveChallenge(options.challenge, { purpose: "register", handle, displayName, webauthnUserId });
    return options;
  }

  /** Verifies a new account's passkey and returns what to store; the account is made by the caller. */
  async verifyRegistration(rp: RelyingParty, raw: unknown, purpose: "register" | "add-passkey") {
    const { response, challenge, pending } = await takeChallenge(this.sessions, raw, purpose);
    let result;
    try {
      result = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpID,
        requireUserVerification: false,
      });
    } catch (e) {
      throw new HttpError(400, "err.passkey_failed", (e as Error).message);
    }
    if (!result.verified || !result.registrationInfo) throw new HttpError(400, "err.passkey_failed");
    const { credential } = result.registrationInfo;
    const passkey: Omit<Passkey, "userId"> = {
      id: credential.id,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      createdAt: Date.now(),
      label: "Passkey",
    };
    return { pending, passkey };
  }

  async addPasskeyOptions(rp: RelyingParty, user: User) {
    const existing = await this.users.passkeysOf(user.id);
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: rp.rpID,
      userName: user.handle,
      userDisplayName: user.displayName,
      userID: new TextEncoder().encode(user.id),
      attestationType: "none",
      excludeCredentials: existing.map((p) => ({ id: p.id })),
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    await this.sessions.saveChallenge(options.challenge, { purpose: "add-passkey", userId: user.id });
    return options;
  }

  async authenticationOptions(rp: RelyingParty) {
    const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: "preferred" });
    await this.sessions.saveChallenge(options.challenge, { purpose: "authenticate" });
    return options;
  }

  /** Verifies a sign-in and returns the account it belongs to. */
  async verifyAuthentication(rp: RelyingParty, raw: unknown): Promise<User> {
    const { response, challenge } = await takeChallenge(this.sessions, raw, "authenticate");
    const passkey = await this.users.passkey(response.id);
    if (!passkey) throw new HttpError(400, "err.passkey_unknown");
    let result;
    try {
      result = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpID,
        credential: {
          id: passkey.id,
          publicKey: passkey.publicKey,
          counter: passkey.counter,
          transports: passkey.transports as never,
        },
        requireUserVerification: false,
      });
    } catch (e) {
      throw new HttpError(400, "err.passkey_failed", (e as Error).message);
    }
    if (!result.verified) throw new HttpError(400, "err.passkey_failed");
    await this.users.touchPasskey(passkey.id, result.authenticationInfo.newCounter);
    const user = await this.users.get(passkey.userId);
    if (!user) throw new HttpError(400, "err.passkey_unknown");
    return user;
  }
}
