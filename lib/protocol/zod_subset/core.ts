// The core of zod_subset (see mod.ts): parse runs, issues and errors, the base type with its
// wrappers (optional, nullable, default) and effects (refine, superRefine, transform).
export type Path = (string | number)[];
export type Message = string | { message?: string } | undefined;

export interface Issue {
  code: string;
  message: string;
  path: Path;
  [k: string]: unknown;
}

/** An issue before its path and default message are known. */
export type IssueData = { code: string; message?: string; [k: string]: unknown };

export type Status = "valid" | "dirty" | "aborted";
export interface Result {
  status: Status;
  value?: unknown;
}

export const ABORTED: Result = { status: "aborted" };
export const text = (m: Message) => (typeof m === "string" ? m : m?.message);
export const join = (values: readonly unknown[], sep = " | ") =>
  values.map((v) => (typeof v === "string" ? `'${v}'` : v)).join(sep);

export const ZodIssueCode = {
  invalid_type: "invalid_type",
  invalid_literal: "invalid_literal",
  custom: "custom",
  invalid_union: "invalid_union",
  invalid_union_discriminator: "invalid_union_discriminator",
  invalid_enum_value: "invalid_enum_value",
  unrecognized_keys: "unrecognized_keys",
  invalid_string: "invalid_string",
  too_small: "too_small",
  too_big: "too_big",
} as const;

/** zod's names for what a value is, as its messages print them. */
export function typeOf(data: unknown): string {
  if (typeof data === "number") return Number.isNaN(data) ? "nan" : "number";
  if (typeof data !== "object") return typeof data;
  if (data === null) return "null";
  if (Array.isArray(data)) return "array";
  const d = data as { then?: unknown; catch?: unknown };
  if (typeof d.then === "function" && typeof d.catch === "function") return "promise";
  if (data instanceof Map) return "map";
  if (data instanceof Set) return "set";
  if (data instanceof Date) return "date";
  return "object";
}

export class Run {
  readonly issues: Issue[] = [];
  add(path: Path, issue: IssueData, fallback: string) {
    this.issues.push({ ...issue, path, message: issue.message ?? fallback });
  }
  wrongType(path: Path, expected: string, data: unknown) {
    const received = typeOf(data);
    this.add(
      path,
      { code: "invalid_type", expected, received },
      received === "undefined" ? "Required" : `Expected ${expected}, received ${received}`,
    );
    return ABORTED;
  }
}

export class ZodError extends Error {
  constructor(readonly issues: Issue[]) {
    super(JSON.stringify(issues, null, 2));
    this.name = "ZodError";
  }
  get errors() {
    return this.issues;
  }
}

export type Check = { kind: string; value?: unknown; message?: string };
export type RefineCtx = {
  addIssue(
    issue: { code?: string; message?: string; path?: Path; fatal?: boolean; [k: string]: unknown },
  ): void;
  path: Path;
};

export abstract class ZodType {
  abstract _run(data: unknown, path: Path, run: Run): Result;

  safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: ZodError } {
    const run = new Run();
    const r = this._run(data, [], run);
    return r.status === "valid"
      ? { success: true, data: r.value }
      : { success: false, error: new ZodError(run.issues) };
  }
  parse(data: unknown): unknown {
    const r = this.safeParse(data);
    if (r.success) return r.data;
    throw r.error;
  }
  optional(): ZodType {
    return new Wrapped(this, (d) => d === undefined, () => undefined);
  }
  nullable(): ZodType {
    return new Wrapped(this, (d) => d === null, () => null);
  }
  default(value: unknown): ZodType {
    return new Default(this, typeof value === "function" ? value as () => unknown : () => value);
  }
  refine(check: (v: never) => unknown, message?: Message): ZodType {
    return this.superRefine((v, ctx) => {
      if (!check(v)) ctx.addIssue({ code: "custom", message: text(message) });
    });
  }
  superRefine(fn: (v: never, ctx: RefineCtx) => void): ZodType {
    return new Effects(this, "refine", fn);
  }
  transform(fn: (v: never, ctx: RefineCtx) => unknown): ZodType {
    return new Effects(this, "transform", fn);
  }
}

export class Wrapped extends ZodType {
  constructor(
    readonly inner: ZodType,
    readonly passes: (d: unknown) => boolean,
    readonly as: () => unknown,
  ) {
    super();
  }
  _run(data: unknown, path: Path, run: Run): Result {
    return this.passes(data)
      ? { status: "valid", value: this.as() }
      : this.inner._run(data, path, run);
  }
  unwrap() {
    return this.inner;
  }
}

export class Default extends ZodType {
  constructor(readonly inner: ZodType, readonly value: () => unknown) {
    super();
  }
  _run(data: unknown, path: Path, run: Run): Result {
    return this.inner._run(data === undefined ? this.value() : data, path, run);
  }
}

export class Effects extends ZodType {
  constructor(
    readonly inner: ZodType,
    readonly kind: "refine" | "transform",
    readonly fn: (v: never, ctx: RefineCtx) => unknown,
  ) {
    super();
  }
  _run(data: unknown, path: Path, run: Run): Result {
    const inner = this.inner._run(data, path, run);
    if (inner.status === "aborted" || (this.kind === "transform" && inner.status === "dirty")) {
      return ABORTED;
    }
    let status = inner.status as Status;
    const ctx: RefineCtx = {
      addIssue(issue) {
        const { fatal: _, path: sub = [], ...rest } = issue;
        run.add([...path, ...sub], { code: "custom", ...rest }, "Invalid input");
        status = issue.fatal ? "aborted" : status === "aborted" ? status : "dirty";
      },
      path,
    };
    const value = this.fn(inner.value as never, ctx);
    if (status === "aborted") return ABORTED;
    return { status, value: this.kind === "transform" ? value : inner.value };
  }
}
