// Where recordings live: a small interface over named files, so that an object store can stand in
// for the local folder without touching the recorder, the mixer or the replay routes. Keys are
// paths of plain segments (`spaces/<id>/replay.ogg`); anything else is refused before it can
// reach the file system, so an id from a URL can never name a file outside the store.

/** A key: one to eight segments of letters, digits, `_` and `-`, the last with an optional extension. */
const KEY = /^(?:[A-Za-z0-9_-]{1,64}\/){0,7}[A-Za-z0-9_-]{1,64}(?:\.[a-z0-9]{1,8})?$/;
/** A prefix: the same segments, ending with a slash. */
const PREFIX = /^(?:[A-Za-z0-9_-]{1,64}\/){1,8}$/;

export class BadKeyError extends Error {
  constructor(key: string) {
    super(`not a recording key: ${JSON.stringify(key.slice(0, 80))}`);
  }
}

export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new BadKeyError(key);
  return key;
}

export interface StoredFile {
  size: number;
  /** Last change, ms since the epoch. */
  mtime: number;
}

export interface RecordingStore {
  /** The size of a file, or null when there is none. */
  stat(key: string): Promise<StoredFile | null>;
  /** Bytes [start, end] (inclusive) of a file as a stream; the caller checked the range. */
  read(key: string, start: number, end: number): Promise<ReadableStream<Uint8Array>>;
  /** Writes a whole file (replaced atomically where the store can). */
  write(key: string, data: Uint8Array | ReadableStream<Uint8Array>): Promise<void>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Deletes every file under a prefix; how many went. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A local path for a key, for tools that write or read files themselves (ffmpeg). A remote
   * store answers with a scratch path and uploads on `write`.
   */
  localPath(key: string): string;
}

/** Files under a folder (the data folder's `recordings/` by default). */
export class LocalRecordingStore implements RecordingStore {
  constructor(readonly root: string) {}

  localPath(key: string): string {
    return `${this.root}/${checkKey(key)}`;
  }

  async stat(key: string): Promise<StoredFile | null> {
    try {
      const st = await Deno.stat(this.localPath(key));
      return st.isFile ? { size: st.size, mtime: st.mtime?.getTime() ?? 0 } : null;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
  }

  async read(key: string, start: number, end: number): Promise<ReadableStream<Uint8Array>> {
    const file = await Deno.open(this.localPath(key), { read: true });
    await file.seek(start, Deno.SeekMode.Start);
    let left = end - start + 1;
    return new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (left <= 0) {
          file.close();
          return ctl.close();
        }
        const buf = new Uint8Array(Math.min(64 * 1024, left));
        const n = await file.read(buf);
        if (n === null) {
          file.close();
          return ctl.close();
        }
        left -= n;
        ctl.enqueue(buf.subarray(0, n));
      },
      cancel() {
        file.close();
      },
    });
  }

  async write(key: string, data: Uint8Array | ReadableStream<Uint8Array>): Promise<void> {
    const path = this.localPath(key);
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    // Written beside, then renamed: a reader never sees half a file.
    const tmp = `${path}.${crypto.randomUUID()}.part`;
    try {
      await Deno.writeFile(tmp, data);
      await Deno.rename(tmp, path);
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    if (!PREFIX.test(prefix)) throw new BadKeyError(prefix);
    const out: string[] = [];
    const walk = async (dir: string, rel: string) => {
      try {
        for await (const e of Deno.readDir(dir)) {
          if (e.isDirectory) await walk(`${dir}/${e.name}`, `${rel}${e.name}/`);
          else if (e.isFile && !e.name.endsWith(".part")) out.push(`${rel}${e.name}`);
        }
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    };
    await walk(`${this.root}/${prefix.slice(0, -1)}`, prefix);
    return out.sort();
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys = await this.list(prefix);
    await Deno.remove(`${this.root}/${prefix.slice(0, -1)}`, { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    return keys.length;
  }
}
