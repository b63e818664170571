// Scalars of zod_subset (see mod.ts): string, number, boolean/unknown, literal, enum.
import {
  ABORTED,
  type Check,
  type IssueData,
  join,
  type Message,
  type Path,
  type Result,
  type Run,
  type Status,
  text,
  ZodType,
} from "./core.ts";

export class ZodString extends ZodType {
  constructor(readonly checks: Check[]) {
    super();
  }
  #with(kind: string, value?: unknown, message?: Message) {
    return new ZodString([...this.checks, { kind, value, message: text(message) }]);
  }
  min(n: number, m?: Message) {
    return this.#with("min", n, m);
  }
  max(n: number, m?: Message) {
    return this.#with("max", n, m);
  }
  regex(re: RegExp, m?: Message) {
    return this.#with("regex", re, m);
  }
  url(m?: Message) {
    return this.#with("url", undefined, m);
  }
  trim() {
    return this.#with("trim");
  }
  _run(data: unknown, path: Path, run: Run): Result {
    if (typeof data !== "string") return run.wrongType(path, "string", data);
    let s = data;
    let status: Status = "valid";
    const fail = (issue: IssueData, c: Check, fallback: string) => {
      run.add(path, { ...issue, message: c.message }, fallback);
      status = "dirty";
    };
    for (const c of this.checks) {
      const n = c.value as number;
      if (c.kind === "min" && s.length < n) {
        fail(
          { code: "too_small", minimum: n, type: "string", inclusive: true, exact: false },
          c,
          `String must contain at least ${n} character(s)`,
        );
      } else if (c.kind === "max" && s.length > n) {
        fail(
          { code: "too_big", maximum: n, type: "string", inclusive: true, exact: false },
          c,
          `String must contain at most ${n} character(s)`,
        );
      } else if (c.kind === "regex") {
        const re = c.value as RegExp;
        re.lastIndex = 0;
        if (!re.test(s)) fail({ code: "invalid_string", validation: "regex" }, c, "Invalid");
      } else if (c.kind === "url") {
        try {
          new URL(s);
        } catch {
          fail({ code: "invalid_string", validation: "url" }, c, "Invalid url");
        }
      } else if (c.kind === "trim") s = s.trim();
    }
    return { status, value: s };
  }
}

export class ZodNumber extends ZodType {
  constructor(readonly checks: Check[]) {
    super();
  }
  #with(kind: string, value?: number, message?: Message) {
    return new ZodNumber([...this.checks, { kind, value, message: text(message) }]);
  }
  int(m?: Message) {
    return this.#with("int", undefined, m);
  }
  min(n: number, m?: Message) {
    return this.#with("min", n, m);
  }
  gte(n: number, m?: Message) {
    return this.#with("min", n, m);
  }
  max(n: number, m?: Message) {
    return this.#with("max", n, m);
  }
  lte(n: number, m?: Message) {
    return this.#with("max", n, m);
  }
  nonnegative(m?: Message) {
    return this.#with("min", 0, m);
  }
  positive(m?: Message) {
    return this.#with("gt", 0, m);
  }
  _run(data: unknown, path: Path, run: Run): Result {
    if (typeof data !== "number" || Number.isNaN(data)) return run.wrongType(path, "number", data);
    let status: Status = "valid";
    for (const c of this.checks) {
      const n = c.value as number;
      const issue = c.kind === "int"
        ? !Number.isInteger(data) &&
          [
            { code: "invalid_type", expected: "integer", received: "float" },
            "Expected integer, received float",
          ] as const
        : c.kind === "min"
        ? data < n &&
          [
            { code: "too_small", minimum: n, type: "number", inclusive: true, exact: false },
            `Number must be greater than or equal to ${n}`,
          ] as const
        : c.kind === "gt"
        ? data <= n &&
          [
            { code: "too_small", minimum: n, type: "number", inclusive: false, exact: false },
            `Number must be greater than ${n}`,
          ] as const
        : data > n &&
          [
            { code: "too_big", maximum: n, type: "number", inclusive: true, exact: false },
            `Number must be less than or equal to ${n}`,
          ] as const;
      if (issue) {
        run.add(path, { ...issue[0], message: c.message }, issue[1]);
        status = "dirty";
      }
    }
    return { status, value: data };
  }
}

export class Simple extends ZodType {
  constructor(readonly expected: string, readonly test: (d: unknown) => boolean) {
    super();
  }
  _run(data: unknown, path: Path, run: Run): Result {
    return this.test(data)
      ? { status: "valid", value: data }
      : run.wrongType(path, this.expected, data);
  }
}

export class ZodLiteral extends ZodType {
  constructor(readonly value: unknown) {
    super();
  }
  _run(data: unknown, path: Path, run: Run): Result {
    if (data === this.value) return { status: "valid", value: data };
    run.add(
      path,
      { code: "invalid_literal", expected: this.value, received: data },
      `Invalid literal value, expected ${JSON.stringify(this.value)}`,
    );
    return ABORTED;
  }
}

export class ZodEnum extends ZodType {
  readonly #set: Set<unknown>;
  constructor(readonly options: readonly string[]) {
    super();
    this.#set = new Set(options);
  }
  get enum() {
    return Object.fromEntries(this.options.map((o) => [o, o]));
  }
  _run(data: unknown, path: Path, run: Run): Result {
    if (typeof data !== "string") return run.wrongType(path, join(this.options), data);
    if (this.#set.has(data)) return { status: "valid", value: data };
    run.add(
      path,
      { code: "invalid_enum_value", options: this.options, received: data },
      `Invalid enum value. Expected ${join(this.options)}, received '${data}'`,
    );
    return ABORTED;
  }
}
