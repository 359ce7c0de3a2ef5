// The authorization server's storage in one process. oidc-provider's own memory store is one LRU
// of 1,000 entries for everything, so a flood of client registrations would push out the tokens of
// people already signed in; here each model has its own bound, and anything past its lifetime is
// gone on the next look.
import type { Adapter, AdapterPayload } from "oidc-provider";
import { CLIENT_TTL_SECONDS, type AdapterFactory } from "./provider-store.js";

/** Entries kept per model (clients, codes, tokens, grants, sessions …); the oldest go first. */
const MAX_PER_MODEL = 10_000;
const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode"]);

interface Entry {
  payload: AdapterPayload;
  until: number;
}

export function memoryAdapter(now: () => number = () => Date.now()): AdapterFactory {
  const models = new Map<string, Map<string, Entry>>();
  const uids = new Map<string, { model: string; id: string }>();
  const grants = new Map<string, Set<string>>();
  const table = (model: string) => {
    let t = models.get(model);
    if (!t) models.set(model, (t = new Map()));
    return t;
  };
  return (model) => new MemoryAdapter(model, table, uids, grants, now);
}

class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly table: (model: string) => Map<string, Entry>,
    private readonly uids: Map<string, { model: string; id: string }>,
    private readonly grants: Map<string, Set<string>>,
    private readonly now: () => number,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const entries = this.table(this.model);
    entries.delete(id);
    if (entries.size >= MAX_PER_MODEL) entries.delete(entries.keys().next().value!);
    const lifetime = expiresIn || (this.model === "Client" ? CLIENT_TTL_SECONDS : 0);
    entries.set(id, { payload: { ...payload }, until: lifetime ? this.now() + lifetime * 1000 : Infinity });
    if (payload.uid) this.uids.set(payload.uid, { model: this.model, id });
    if (GRANTABLE.has(this.model) && payload.grantId) {
      let members = this.grants.get(payload.grantId);
      if (!members) {
        // Grant indexes go with their tokens; past the bound, the oldest index is dropped (its
        // tokens still lapse on their own).
        if (this.grants.size >= MAX_PER_MODEL) this.grants.delete(this.grants.keys().next().value!);
        this.grants.set(payload.grantId, (members = new Set()));
      }
      members.add(`${this.model}\u0000${id}`);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const entries = this.table(this.model);
    const entry = entries.get(id);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      entries.delete(id);
      return undefined;
    }
    if (this.model === "Client") entry.until = this.now() + CLIENT_TTL_SECONDS * 1000;
    return entry.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const ref = this.uids.get(uid);
    return ref && ref.model === this.model ? this.find(ref.id) : undefined;
  }

  async findByUserCode(): Promise<AdapterPayload | undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const entry = this.table(this.model).get(id);
    if (entry) entry.payload.consumed = Math.floor(this.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    const entry = this.table(this.model).get(id);
    this.table(this.model).delete(id);
    if (entry?.payload.uid) this.uids.delete(entry.payload.uid);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const member of this.grants.get(grantId) ?? []) {
      const [model, id] = member.split("\u0000") as [string, string];
      this.table(model).delete(id);
    }
    this.grants.delete(grantId);
  }
}
