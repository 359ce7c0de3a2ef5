// A small time-bounded cache of async loads, for answers that change rarely and cost an upstream
// call (BigQuery table schemas). A load in flight is shared by everyone asking for the same key.
// A failed load is kept only for `failureTtlMs` (none by default): long enough that completions,
// asked on every keystroke, do not send each one upstream while RevCent is failing, short enough
// that a read soon tries again. Bounded: the oldest entry goes first when it is full.

export interface TtlCacheOptions {
  ttlMs: number;
  maxEntries: number;
  failureTtlMs?: number;
  now?: () => number;
}

interface Entry<V> {
  at: number;
  ttlMs: number;
  value: Promise<V>;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < hit.ttlMs) return hit.value;
    this.entries.delete(key);
    while (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const value = load();
    const entry: Entry<V> = { at: this.now(), ttlMs: this.options.ttlMs, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) !== entry) return;
      const failureTtlMs = this.options.failureTtlMs ?? 0;
      if (failureTtlMs <= 0) return void this.entries.delete(key);
      entry.at = this.now();
      entry.ttlMs = failureTtlMs;
    });
    return value;
  }
}
