// What a contract of an internal (server-to-server) endpoint is: its method, its path as a function
// of the ids in it, the schema of what is sent and the schema of what comes back. Both sides read
// the same object: the caller (signed_client.ts) validates its request and the answer with it, the
// receiver (signed_reader.ts) validates the request with it and types its answer by it.
// The idea is mediasoup-demo v4's protooMessages (every request a `{ name, data, responseData }`
// member, the answer's type mapped from it) and PartyKit's createX/parseX pairs.
// Imports nothing runtime-specific: Deno, workerd and Node all load it.
import { z } from "zod";

export type Method = "GET" | "POST";

/** One internal endpoint (or one request kind of an endpoint that takes several). */
export interface Contract<
  Name extends string = string,
  Params = unknown,
  Req extends z.ZodTypeAny = z.ZodTypeAny,
  Ans extends z.ZodTypeAny = z.ZodTypeAny,
> {
  readonly name: Name;
  readonly method: Method;
  /** The path (with its query, if any) on the receiver's base URL, ids encoded. */
  readonly path: (params: Params) => string;
  /** What is sent; a GET sends no body (`NoBody`) and is signed over the empty string. */
  readonly request: Req;
  /** What a 2xx answer carries. */
  readonly answer: Ans;
}

// deno-lint-ignore no-explicit-any -- the widest contract, for generic constraints only.
export type AnyContract = Contract<string, any, z.ZodTypeAny, z.ZodTypeAny>;

/** What a caller may write as the request (defaults can be left out). */
export type RequestOf<C extends AnyContract> = z.input<C["request"]>;
/** The request as the receiver has it after parsing. */
export type ParsedRequestOf<C extends AnyContract> = z.infer<C["request"]>;
/** The answer as the caller has it after parsing. */
export type AnswerOf<C extends AnyContract> = z.infer<C["answer"]>;
/** What a receiver may write as its answer. */
export type AnswerInputOf<C extends AnyContract> = z.input<C["answer"]>;
export type ParamsOf<C extends AnyContract> = Parameters<C["path"]>[0];

/** mediasoup-demo's shape: per contract name, `{ name, data, responseData }`. */
export type MessagesOf<Cs extends AnyContract> = {
  [C in Cs as C["name"]]: { name: C["name"]; data: RequestOf<C>; responseData: AnswerOf<C> };
};

/** The request schema of a signed GET: no body. */
export const NoBody = z.undefined();

/** `{ ok: true }`: what an endpoint that only acknowledges answers. */
export const Ack = z.object({ ok: z.literal(true) });
export type Ack = z.infer<typeof Ack>;

/** How every receiver refuses: a status, and this body. */
export const Refusal = z.object({
  ok: z.literal(false).optional(),
  code: z.string().max(100),
  message: z.string().max(2_000),
});
export type Refusal = z.infer<typeof Refusal>;

/** Defines a contract; the identity, so that the literal types stay (a path without ids takes `void`). */
export function contract<Name extends string, Req extends z.ZodTypeAny, Ans extends z.ZodTypeAny>(
  c: Omit<Contract<Name, void, Req, Ans>, "path"> & { path: () => string },
): Contract<Name, void, Req, Ans>;
export function contract<
  Name extends string,
  Params,
  Req extends z.ZodTypeAny,
  Ans extends z.ZodTypeAny,
>(
  c: Contract<Name, Params, Req, Ans>,
): Contract<Name, Params, Req, Ans>;
export function contract(c: AnyContract): AnyContract {
  return c;
}

/** A path segment from an id. */
export const seg = (id: string) => encodeURIComponent(id);
