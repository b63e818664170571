// The part of zod's API (v3, as lib/protocol/ uses it) in a few kilobytes, for the browser.
// The schemas stay written once, in lib/protocol/*.ts with `import { z } from "zod"`; the island
// build (scripts/build.ts) maps "zod" to this module, so a page validates every event with the very
// same schemas for about 3 KB instead of zod's 14 KB (gzip). Deno, workerd and Node keep real zod.
// Same results as zod: what passes, the data it gives (unknown keys stripped, trims, defaults,
// transforms), and the issues with zod's codes, paths and messages. zod_subset_test.ts checks
// every protocol schema against zod on thousands of messages, so a method a protocol file starts
// using but missing here fails that test, not a page.

import { ZodError, ZodIssueCode, ZodType } from "./core.ts";
import { Simple, ZodEnum, ZodLiteral, ZodNumber, ZodString } from "./scalars.ts";
import {
  type Shape,
  ZodArray,
  ZodDiscriminatedUnion,
  ZodObject,
  ZodRecord,
  ZodUnion,
} from "./shapes.ts";

export { ZodError, ZodIssueCode, ZodType };

export const z = {
  string: () => new ZodString([]),
  number: () => new ZodNumber([]),
  boolean: () => new Simple("boolean", (d) => typeof d === "boolean"),
  unknown: () => new Simple("unknown", () => true),
  any: () => new Simple("any", () => true),
  literal: (value: unknown) => new ZodLiteral(value),
  enum: (values: readonly string[]) => new ZodEnum(values),
  object: (shape: Shape) => new ZodObject(shape),
  strictObject: (shape: Shape) => new ZodObject(shape, "strict"),
  array: (element: ZodType) => new ZodArray(element, {}),
  record: (values: ZodType) => new ZodRecord(values),
  union: (options: ZodType[]) => new ZodUnion(options),
  discriminatedUnion: (key: string, options: ZodObject[]) =>
    new ZodDiscriminatedUnion(key, options),
  ZodIssueCode,
  ZodError,
  ZodType,
};

export default z;
