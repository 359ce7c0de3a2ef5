// Guard state behind an interface: verifications granted, verification attempts, and what each
// session searched for. Memory for one process; the HTTP issue adds a shared store so several
// instances (and several processes) behave as one.

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
  /** Remembers the text of a session's search terms: values the visitor typed prove nothing. */
  rememberSearch(who: SessionKey, texts: string[]): Promise<void>;
  /** Whether any remembered search text of the session contains the value. */
  searchedFor(who: SessionKey, value: string): Promise<boolean>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Remembered search texts per session (or per credential, without sessions): the newest kept. */
export const MAX_SEARCH_TEXTS = 2000;
const sessionId = (k: SessionKey) => `${k.credential}\u0000${k.session}`;
const grantId = (k: GrantKey) => `${k.credential}\u0000${k.session}\u0000${k.customer}`;
const customerId = (k: GrantKey) => `${k.credential}\u0000${k.customer}`;

export class MemoryGuardStore implements GuardStore {
  // Entries carry their last write; prune() drops what no check can need any more, so a long-running
  // server's memory does not grow with every session it has seen.
  private readonly grants = new Map<string, number>();
  private readonly sessionFailures = new Map<string, { count: number; at: number }>();
  private readonly credentialFailures = new Map<string, number[]>();
  private readonly searches = new Map<string, { texts: string[]; at: number }>();
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
    this.sessionFailures.set(id, { count: Math.max(0, (this.sessionFailures.get(id)?.count ?? 0) - 1), at: this.now() });
    this.credentialFailures.set(customerId(key), this.lastHour(customerId(key)).slice(0, -1));
  }

  async attempts(key: GrantKey): Promise<Attempts> {
    return { session: this.sessionFailures.get(grantId(key))?.count ?? 0, times: this.lastHour(customerId(key)) };
  }

  async rememberSearch(who: SessionKey, texts: string[]): Promise<void> {
    const id = sessionId(who);
    this.searches.set(id, { texts: [...(this.searches.get(id)?.texts ?? []), ...texts].slice(-MAX_SEARCH_TEXTS), at: this.now() });
    this.pruneSometimes();
  }

  async searchedFor(who: SessionKey, value: string): Promise<boolean> {
    return (this.searches.get(sessionId(who))?.texts ?? []).some((text) => text.includes(value));
  }

  /** Every 1,000 writes: grants idle past the longest idle time, counters and searches a day old. */
  private pruneSometimes(idleMs = DAY): void {
    if (++this.writes % 1000 !== 0) return;
    const now = this.now();
    for (const [id, at] of this.grants) if (now - at > Math.max(idleMs, HOUR)) this.grants.delete(id);
    for (const [id, entry] of this.sessionFailures) if (now - entry.at > DAY) this.sessionFailures.delete(id);
    for (const [id, entry] of this.searches) if (now - entry.at > DAY) this.searches.delete(id);
    for (const id of this.credentialFailures.keys()) if (this.lastHour(id).length === 0) this.credentialFailures.delete(id);
  }

  private lastHour(id: string): number[] {
    const since = this.now() - HOUR;
    return (this.credentialFailures.get(id) ?? []).filter((t) => t > since);
  }
}
