// Idempotency keys: remembered per API key for 24 hours of sandbox clock. A repeated key is
// rejected before anything is saved.
import { ApiError } from "./responses.js";

const WINDOW_SECONDS = 24 * 60 * 60;

export class IdempotencyKeys {
  private readonly seen = new Map<string, number>();

  /** Throws the documented 400 if `key` was used by `apiKey` within 24 hours; otherwise records it. */
  claim(apiKey: string, key: string, nowSeconds: number): void {
    const id = `${apiKey}\u0000${key}`;
    const at = this.seen.get(id);
    if (at !== undefined && nowSeconds - at < WINDOW_SECONDS) {
      throw new ApiError(
        400,
        "Duplicate idempotency_key: this request was already received.",
        "Error",
        "E_IDEMPOTENCY",
      );
    }
    this.seen.set(id, nowSeconds);
    if (this.seen.size > 10_000) this.prune(nowSeconds);
  }

  private prune(nowSeconds: number): void {
    for (const [id, at] of this.seen) if (nowSeconds - at >= WINDOW_SECONDS) this.seen.delete(id);
  }
}
