// The answer schemas take what the server really sends and refuse what would break an island.
import assert from "node:assert/strict";
import { generateAuthenticationOptions, generateRegistrationOptions } from "@simplewebauthn/server";
import type { z } from "zod";
import {
  ApiErrorAnswer,
  BlockChanged,
  CallPlaced,
  IncomingCall,
  PasskeyCreationOptions,
  PasskeyRequestOptions,
  RecordingPatched,
  SpaceCreated,
  Threads,
} from "./api.ts";

const peer = { id: "user1", handle: "ada", name: "Ada", verified: false };

const cases: [string, z.ZodTypeAny, unknown, boolean][] = [
  ["a placed call", CallPlaced, { callId: "c1", status: "ringing" }, true],
  ["a placed call in an unknown state", CallPlaced, { callId: "c1", status: "exploded" }, false],
  ["no incoming call", IncomingCall, { call: null }, true],
  ["an incoming call", IncomingCall, { call: { callId: "c1", from: peer, video: true } }, true],
  ["an incoming call without its caller", IncomingCall, { call: { callId: "c1", video: true } }, false],
  ["threads", Threads, { threads: [{ peer, last: null, unread: 2, updatedAt: 5 }] }, true],
  ["threads as an object", Threads, { threads: {} }, false],
  ["a block (with followers)", BlockChanged, { ok: true, blocked: true, followers: 3 }, true],
  ["an unblock (without)", BlockChanged, { ok: true, blocked: false }, true],
  ["a recording patch with nothing known", RecordingPatched, { ok: true }, true],
  ["a Space created", SpaceCreated, { ok: true, id: "s1", url: "/s/s1", status: "live" }, true],
  ["a Space created without its url", SpaceCreated, { ok: true, id: "s1", status: "live" }, false],
  ["an error with a field", ApiErrorAnswer, { error: { code: "err.handle_taken", field: "handle" } }, true],
  ["an error whose code is prose", ApiErrorAnswer, { error: { code: "something broke" } }, false],
];
for (const [name, schema, answer, ok] of cases) {
  Deno.test(`api answer: ${name} ${ok ? "parses" : "is refused"}`, () => {
    assert.equal(schema.safeParse(answer).success, ok);
  });
}

Deno.test("api answer: the passkey options the server makes parse as the browser reads them", async () => {
  const creation = JSON.parse(JSON.stringify(
    await generateRegistrationOptions({
      rpName: "Spazio",
      rpID: "localhost",
      userName: "ada",
      userDisplayName: "Ada",
      attestationType: "none",
      excludeCredentials: [{ id: "AAAA" }],
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    }),
  ));
  // Nothing the server sends is dropped on the way to the browser's passkey prompt.
  assert.deepEqual(PasskeyCreationOptions.parse(creation), creation);
  const request = JSON.parse(
    JSON.stringify(await generateAuthenticationOptions({ rpID: "localhost", userVerification: "preferred" })),
  );
  assert.deepEqual(PasskeyRequestOptions.parse(request), request);
});
