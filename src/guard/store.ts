// Guard state behind an interface: verifications granted, verification attempts, and what each
// session and credential searched for. Memory for one process; RedisGuardStore for several
// instances (and several processes) that must behave as one.

export interface GrantKey {
  credential: string;
  session: string;
  customer: string;
}

export type SessionKey = Omit<GrantKey, "customer">;

export interface Attempts {
  /** Failed attempts on this customer in this session. */
  session: number;
  /** Times (ms) of failed attempts on this customer by any session of the credential, last hour. */
  times: number[];
}

export interface GuardStore {
  /** Records a verification; it lapses after `idleMs` without use. */
  grant(key: GrantKey, idleMs: number): Promise<void>;
  /** Whether a verification is live; a live one is touched, restarting its idle time. */
  isGranted(key: GrantKey, idleMs: number): Promise<boolean>;
  /**
   * Counts an attempt as failed before its outcome is known, so parallel guesses cannot all pass
   * the limit; returns the counts including it.
   */
  recordAttempt(key: GrantKey): Promise<Attempts>;
  /** Takes back an attempt recorded with recordAttempt: it succeeded, or was refused unheard. */
  forgetAttempt(key: GrantKey): Promise<void>;
  attempts(key: GrantKey): Promise<Attempts>;
  /**
   * Counts a search against the budgets and remembers its texts (for the session while it lives,
   * for the credential for `memoryMs`); beyond a budget nothing is counted or remembered.
   */
  recordSearch(who: SessionKey, texts: string[], rules: SearchRules): Promise<SearchAdmission>;
  /**
   * Whether any of the pieces appears in a text this session searched for, or that any session of
   * the credential searched for within the last `memoryMs`.
   */
  searchedFor(who: SessionKey, pieces: string[], memoryMs: number): Promise<boolean>;
}

export interface SearchRules {
  /** Searches one session may make while it lives; Infinity where calls have no session. */
  perSession: number;
  /** Searches all sessions of one credential may make within `windowMs`. */
  perCredential: number;
  windowMs: number;
  /** How long a credential remembers what any of its sessions searched for. */
  memoryMs: number;
}

export type SearchAdmission =
  | { allowed: true }
  | { allowed: false; limit: "session" }
  | { allowed: false; limit: "credential"; retryAfterMs: number };

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
const sessionId = (k: SessionKey) => `${k.credential}\u0000${k.session}`;
const grantId = (k: GrantKey) => `${k.credential}\u0000${k.session}\u0000${k.customer}`;
const customerId = (k: GrantKey) => `${k.credential}\u0000${k.customer}`;

export class MemoryGuardStore implements GuardStore {
  // Entries carry their last write; prune() drops what no check can need any more, so a long-running
  // server's memory does not grow with every session it has seen.
  private readonly grants = new Map<string, number>();
  private readonly sessionFailures = new Map<string, { count: number; at: number }>();
  private readonly credentialFailures = new Map<string, number[]>();
  /** Each session's searches: how many, and their texts, kept while the session can still verify. */
  private readonly searches = new Map<string, { count: number; texts: string[]; at: number }>();
  /** Each credential's search times (for its budget) and texts with when they were last searched. */
  private readonly credentialSearches = new Map<string, { times: number[]; texts: Map<string, number> }>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Memory keeps the grant until a check finds it idle; a shared store would expire it itself. */
  async grant(key: GrantKey, idleMs: number): Promise<void> {
    this.grants.set(grantId(key), this.now());
    this.pruneSometimes(idleMs);
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

  async recordAttempt(key: GrantKey): Promise<Attempts> {
    const id = grantId(key);
    this.sessionFailures.set(id, { count: (this.sessionFailures.get(id)?.count ?? 0) + 1, at: this.now() });
    this.pruneSometimes();
    this.credentialFailures.set(customerId(key), [...this.lastHour(customerId(key)), this.now()]);
    return this.attempts(key);
  }

  async forgetAttempt(key: GrantKey): Promise<void> {
    const id = grantId(key);
    this.sessionFailures.set(id, {
      count: Math.max(0, (this.sessionFailures.get(id)?.count ?? 0) - 1),
      at: this.now(),
    });
    this.credentialFailures.set(customerId(key), this.lastHour(customerId(key)).slice(0, -1));
  }

  async attempts(key: GrantKey): Promise<Attempts> {
    return { session: this.sessionFailures.get(grantId(key))?.count ?? 0, times: this.lastHour(customerId(key)) };
  }

  async recordSearch(who: SessionKey, texts: string[], rules: SearchRules): Promise<SearchAdmission> {
    const now = this.now();
    const session = this.searches.get(sessionId(who)) ?? { count: 0, texts: [], at: now };
    if (session.count >= rules.perSession) return { allowed: false, limit: "session" };
    const credential = this.credentialSearches.get(who.credential) ?? { times: [], texts: new Map<string, number>() };
    credential.times = credential.times.filter((t) => now - t < rules.windowMs);
    if (credential.times.length >= rules.perCredential) {
      return { allowed: false, limit: "credential", retryAfterMs: credential.times[0]! + rules.windowMs - now };
    }
    credential.times.push(now);
    for (const [text, at] of credential.texts) if (now - at >= rules.memoryMs) credential.texts.delete(text);
    for (const text of texts) credential.texts.set(text, now);
    this.credentialSearches.set(who.credential, credential);
    this.searches.set(sessionId(who), { count: session.count + 1, texts: [...session.texts, ...texts], at: now });
    this.pruneSometimes();
    return { allowed: true };
  }

  async searchedFor(who: SessionKey, pieces: string[], memoryMs: number): Promise<boolean> {
    const now = this.now();
    const recent = [...(this.credentialSearches.get(who.credential)?.texts ?? [])]
      .filter(([, at]) => now - at < memoryMs)
      .map(([text]) => text);
    const texts = [...(this.searches.get(sessionId(who))?.texts ?? []), ...recent];
    return texts.some((text) => pieces.some((piece) => text.includes(piece)));
  }

  /** Every 1,000 writes: grants idle past the longest idle time, counters and searches a day old. */
  private pruneSometimes(idleMs = DAY): void {
    if (++this.writes % 1000 !== 0) return;
    const now = this.now();
    for (const [id, at] of this.grants) if (now - at > Math.max(idleMs, HOUR)) this.grants.delete(id);
    for (const [id, entry] of this.sessionFailures) if (now - entry.at > DAY) this.sessionFailures.delete(id);
    for (const [id, entry] of this.searches) if (now - entry.at > DAY) this.searches.delete(id);
    for (const [id, entry] of this.credentialSearches)
      if (entry.times.every((t) => now - t > DAY) && [...entry.texts.values()].every((t) => now - t > DAY))
        this.credentialSearches.delete(id);
    for (const id of this.credentialFailures.keys())
      if (this.lastHour(id).length === 0) this.credentialFailures.delete(id);
  }

  private lastHour(id: string): number[] {
    const since = this.now() - HOUR;
    return (this.credentialFailures.get(id) ?? []).filter((t) => t > since);
  }
}
