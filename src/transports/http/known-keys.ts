// RevCent keys this server has seen accepted, so each is checked upstream once, not per request.
// Bounded (the least recently used go first) and forgetful (a key revoked at RevCent is asked about
// again after a while), since every entry comes from client input.
import type { KeyVerdict } from "../../client/key-check.js";

const MAX_KNOWN = 10_000;
const KNOWN_FOR_MS = 10 * 60_000;

export class KnownKeys {
  private readonly known = new Map<string, number>();
  /** Checks in progress, so a burst with one new key asks RevCent once. */
  private readonly pending = new Map<string, Promise<KeyVerdict>>();

  constructor(
    private readonly check: (apiKey: string) => Promise<KeyVerdict>,
    private readonly now: () => number = Date.now,
  ) {}

  isKnown(principal: string): boolean {
    const until = this.known.get(principal);
    if (until === undefined) return false;
    this.known.delete(principal);
    if (until <= this.now()) return false;
    this.known.set(principal, until); // most recently used last
    return true;
  }

  /** Lets a key go (its caller's last session closed): the next one is asked about again. */
  forget(principal: string): void {
    this.known.delete(principal);
  }

  /** Asks RevCent about a key not known yet; remembers it when accepted. */
  async verify(principal: string, apiKey: string): Promise<KeyVerdict> {
    let verdict = this.pending.get(principal);
    if (!verdict) {
      verdict = this.check(apiKey).finally(() => this.pending.delete(principal));
      this.pending.set(principal, verdict);
    }
    const result = await verdict;
    if (result === "valid") {
      if (this.known.size >= MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
      this.known.set(principal, this.now() + KNOWN_FOR_MS);
    }
    return result;
  }
}
