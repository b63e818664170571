// Containers of zod_subset (see mod.ts): array, object, record, union, discriminated union.
import {
  ABORTED,
  type Check,
  type Issue,
  join,
  type Message,
  type Path,
  type Result,
  Run,
  type Status,
  text,
  typeOf,
  ZodError,
  ZodType,
} from "./core.ts";
import { ZodEnum, ZodLiteral } from "./scalars.ts";

export class ZodArray extends ZodType {
  // As in zod, a later .min() or .max() replaces an earlier one.
  constructor(readonly element: ZodType, readonly limits: { min?: Check; max?: Check }) {
    super();
  }
  min(n: number, m?: Message) {
    return new ZodArray(this.element, {
      ...this.limits,
      min: { kind: "min", value: n, message: text(m) },
    });
  }
  max(n: number, m?: Message) {
    return new ZodArray(this.element, {
      ...this.limits,
      max: { kind: "max", value: n, message: text(m) },
    });
  }
  _run(data: unknown, path: Path, run: Run): Result {
    if (!Array.isArray(data)) return run.wrongType(path, "array", data);
    let status: Status = "valid";
    const { min, max } = this.limits;
    if (min && data.length < (min.value as number)) {
      run.add(path, {
        code: "too_small",
        minimum: min.value,
        type: "array",
        inclusive: true,
        exact: false,
        message: min.message,
      }, `Array must contain at least ${min.value} element(s)`);
      status = "dirty";
    }
    if (max && data.length > (max.value as number)) {
      run.add(path, {
        code: "too_big",
        maximum: max.value,
        type: "array",
        inclusive: true,
        exact: false,
        message: max.message,
      }, `Array must contain at most ${max.value} element(s)`);
      status = "dirty";
    }
    const out: unknown[] = [];
    let aborted = false;
    data.forEach((d, i) => {
      const r = this.element._run(d, [...path, i], run);
      if (r.status === "aborted") aborted = true;
      else if (r.status === "dirty") status = "dirty";
      out.push(r.value);
    });
    return aborted ? ABORTED : { status, value: out };
  }
}

export type Shape = Record<string, ZodType>;

export class ZodObject extends ZodType {
  constructor(
    readonly shape: Shape,
    readonly unknownKeys: "strip" | "strict" | "passthrough" = "strip",
  ) {
    super();
  }
  extend(more: Shape) {
    return new ZodObject({ ...this.shape, ...more }, this.unknownKeys);
  }
  strict() {
    return new ZodObject(this.shape, "strict");
  }
  passthrough() {
    return new ZodObject(this.shape, "passthrough");
  }
  strip() {
    return new ZodObject(this.shape, "strip");
  }
  _run(data: unknown, path: Path, run: Run): Result {
    if (typeOf(data) !== "object") return run.wrongType(path, "object", data);
    const input = data as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    let status: Status = "valid";
    let aborted = false;
    const set = (key: string, value: unknown) => {
      if (key === "__proto__") return;
      if (value !== undefined || key in input) out[key] = value;
    };
    for (const key of Object.keys(this.shape)) {
      const r = this.shape[key]._run(input[key], [...path, key], run);
      if (r.status === "aborted") aborted = true;
      else if (r.status === "dirty") status = "dirty";
      set(key, r.value);
    }
    if (this.unknownKeys !== "strip") {
      const extra: string[] = [];
      for (const key in input) if (!Object.hasOwn(this.shape, key)) extra.push(key);
      if (this.unknownKeys === "passthrough") {
        for (const key of extra) {
          if (key !== "__proto__" && input[key] !== undefined) out[key] = input[key];
        }
      } else if (extra.length) {
        run.add(
          path,
          { code: "unrecognized_keys", keys: extra },
          `Unrecognized key(s) in object: ${join(extra, ", ")}`,
        );
        status = "dirty";
      }
    }
    return aborted ? ABORTED : { status, value: out };
  }
}

export class ZodRecord extends ZodType {
  constructor(readonly values: ZodType) {
    super();
  }
  _run(data: unknown, path: Path, run: Run): Result {
    if (typeOf(data) !== "object") return run.wrongType(path, "object", data);
    const input = data as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    let status: Status = "valid";
    let aborted = false;
    for (const key in input) {
      const r = this.values._run(input[key], [...path, key], run);
      if (r.status === "aborted") aborted = true;
      else if (r.status === "dirty") status = "dirty";
      if (key !== "__proto__" && (r.value !== undefined || key in input)) out[key] = r.value;
    }
    return aborted ? ABORTED : { status, value: out };
  }
}

export class ZodUnion extends ZodType {
  constructor(readonly options: ZodType[]) {
    super();
  }
  _run(data: unknown, path: Path, run: Run): Result {
    let dirty: { r: Result; issues: Issue[] } | null = null;
    const errors: ZodError[] = [];
    for (const option of this.options) {
      const own = new Run();
      const r = option._run(data, path, own);
      if (r.status === "valid") return r;
      if (r.status === "dirty" && !dirty) dirty = { r, issues: own.issues };
      if (own.issues.length) errors.push(new ZodError(own.issues));
    }
    if (dirty) {
      run.issues.push(...dirty.issues);
      return dirty.r;
    }
    run.add(path, { code: "invalid_union", unionErrors: errors }, "Invalid input");
    return ABORTED;
  }
}

export class ZodDiscriminatedUnion extends ZodType {
  readonly #byValue = new Map<unknown, ZodObject>();
  constructor(readonly discriminator: string, readonly options: ZodObject[]) {
    super();
    for (const option of options) {
      const key = option.shape[discriminator];
      const values = key instanceof ZodLiteral
        ? [key.value]
        : key instanceof ZodEnum
        ? key.options
        : [];
      if (!values.length) {
        throw new Error(
          `A discriminator value for key \`${discriminator}\` could not be extracted from all schema options`,
        );
      }
      for (const v of values) {
        if (this.#byValue.has(v)) {
          throw new Error(
            `Discriminator property ${String(discriminator)} has duplicate value ${String(v)}`,
          );
        }
        this.#byValue.set(v, option);
      }
    }
  }
  _run(data: unknown, path: Path, run: Run): Result {
    if (typeOf(data) !== "object") return run.wrongType(path, "object", data);
    const option = this.#byValue.get((data as Record<string, unknown>)[this.discriminator]);
    if (option) return option._run(data, path, run);
    const options = [...this.#byValue.keys()];
    run.add(
      [...path, this.discriminator],
      { code: "invalid_union_discriminator", options },
      `Invalid discriminator value. Expected ${join(options)}`,
    );
    return ABORTED;
  }
}
