// Guard state behind an interface: verifications granted and failed attempts. Memory for one
// process; the HTTP issue adds a shared store so several instances behave as one.

export interface GrantKey {
  credential: string;
  session: string;
  customer: string;
}

export interface GuardStore {
  /** Records a verification; it lapses after `idleMs` without use. */
  grant(key: GrantKey, idleMs: number): Promise<void>;
  /** Whether a verification is live; a live one is touched, restarting its idle time. */
  isGranted(key: GrantKey, idleMs: number): Promise<boolean>;
  /** Records a failed attempt and returns the failures for this session, and for the credential within `windowMs`. */
  recordFailure(key: GrantKey, windowMs: number): Promise<{ session: number; credential: number }>;
  failures(key: GrantKey, windowMs: number): Promise<{ session: number; credential: number }>;
  /** Remembers the factor forms of a session's search terms: values the visitor typed prove nothing. */
  rememberSearch(who: SessionKey, forms: string[]): Promise<void>;
  searchedFor(who: SessionKey, form: string): Promise<boolean>;
}

export type SessionKey = Omit<GrantKey, "customer">;

const sessionId = (k: SessionKey) => `${k.credential}\u0000${k.session}`;
const grantId = (k: GrantKey) => `${k.credential}\u0000${k.session}\u0000${k.customer}`;
const customerId = (k: GrantKey) => `${k.credential}\u0000${k.customer}`;

export class MemoryGuardStore implements GuardStore {
  private readonly grants = new Map<string, number>();
  private readonly sessionFailures = new Map<string, number>();
  private readonly credentialFailures = new Map<string, number[]>();
  private readonly searches = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Memory keeps the grant until a check finds it idle; a shared store would expire it itself. */
  async grant(key: GrantKey, _idleMs: number): Promise<void> {
    this.grants.set(grantId(key), this.now());
  }

  async isGranted(key: GrantKey, idleMs: number): Promise<boolean> {
    const id = grantId(key);
    const lastUsed = this.grants.get(id);
    if (lastUsed === undefined) return false;
    if (this.now() - lastUsed > idleMs) {
      this.grants.delete(id);
      return false;
    }
    this.grants.set(id, this.now());
    return true;
  }

  async recordFailure(key: GrantKey, windowMs: number): Promise<{ session: number; credential: number }> {
    const id = grantId(key);
    this.sessionFailures.set(id, (this.sessionFailures.get(id) ?? 0) + 1);
    const times = this.recent(customerId(key), windowMs);
    times.push(this.now());
    this.credentialFailures.set(customerId(key), times);
    return this.failures(key, windowMs);
  }

  async failures(key: GrantKey, windowMs: number): Promise<{ session: number; credential: number }> {
    return { session: this.sessionFailures.get(grantId(key)) ?? 0, credential: this.recent(customerId(key), windowMs).length };
  }

  async rememberSearch(who: SessionKey, forms: string[]): Promise<void> {
    const id = sessionId(who);
    const seen = this.searches.get(id) ?? new Set<string>();
    for (const form of forms) seen.add(form);
    this.searches.set(id, seen);
  }

  async searchedFor(who: SessionKey, form: string): Promise<boolean> {
    return this.searches.get(sessionId(who))?.has(form) ?? false;
  }

  private recent(id: string, windowMs: number): number[] {
    const since = this.now() - windowMs;
    return (this.credentialFailures.get(id) ?? []).filter((t) => t > since);
  }
}
