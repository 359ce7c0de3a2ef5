// In-memory state of the sandbox: one collection of items per RevCent resource (keyed by the
// collection name the operations compiler derives, e.g. "customers", "shipping", "products/sync"),
// plus singleton settings objects (e.g. "sentinel"). Items are plain JSON objects with an `id`
// and `created_date_unix`; handlers and hooks may add any other fields.

export interface Item {
  id: string;
  created_date_unix: number;
  [field: string]: unknown;
}

export type Settings = Record<string, unknown>;

/** Items are plain JSON data; a JSON round trip copies them faster than structuredClone. */
function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export class Collection {
  private readonly items = new Map<string, Item>();

  constructor(readonly name: string) {}

  get size(): number {
    return this.items.size;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** A copy of the item, or undefined. */
  get(id: string): Item | undefined {
    const item = this.items.get(id);
    return item && clone(item);
  }

  insert(item: Item): Item {
    this.items.set(item.id, clone(item));
    return clone(item);
  }

  /** Shallow-merges `patch` into the item (id and created_date_unix are kept); undefined if absent. */
  update(id: string, patch: Record<string, unknown>): Item | undefined {
    const current = this.items.get(id);
    if (!current) return undefined;
    const next: Item = { ...current, ...clone(patch), id: current.id, created_date_unix: current.created_date_unix };
    this.items.set(id, next);
    return clone(next);
  }

  /** Replaces the whole item (for hooks that compute new state). */
  replace(item: Item): Item {
    if (!this.items.has(item.id)) throw new Error(`no item ${item.id} in ${this.name}`);
    this.items.set(item.id, clone(item));
    return clone(item);
  }

  remove(id: string): boolean {
    return this.items.delete(id);
  }

  /** Copies of every item, in insertion order. */
  all(): Item[] {
    return [...this.items.values()].map(clone);
  }

  /** A copy of the first item matching `predicate` (which sees the stored item read-only). */
  find(predicate: (item: Readonly<Item>) => boolean): Item | undefined {
    for (const item of this.items.values()) if (predicate(item)) return clone(item);
    return undefined;
  }
}

export class Store {
  private readonly collections = new Map<string, Collection>();
  private readonly settings = new Map<string, Settings>();

  /** The named collection, created empty on first use. */
  collection(name: string): Collection {
    let c = this.collections.get(name);
    if (!c) {
      c = new Collection(name);
      this.collections.set(name, c);
    }
    return c;
  }

  collectionNames(): string[] {
    return [...this.collections.keys()];
  }

  getSettings(name: string): Settings {
    return clone(this.settings.get(name) ?? {});
  }

  setSettings(name: string, value: Settings): Settings {
    this.settings.set(name, clone(value));
    return clone(value);
  }

  /** Everything, for tests and debugging. */
  snapshot(): { collections: Record<string, Item[]>; settings: Record<string, Settings> } {
    const collections: Record<string, Item[]> = {};
    for (const [name, c] of this.collections) collections[name] = c.all();
    const settings: Record<string, Settings> = {};
    for (const [name, s] of this.settings) settings[name] = clone(s);
    return { collections, settings };
  }
}
