// One keep-alive undici Pool per upstream origin, shared by every client (every credential) of a
// server. undici is loaded on first use: start-up needs none of it.
import type { Pool } from "undici";

export class UpstreamPool {
  private pool: Promise<Pool> | undefined;

  constructor(
    readonly origin: string,
    private readonly options: { connections: number; timeoutMs: number },
  ) {}

  get(): Promise<Pool> {
    this.pool ??= import("undici").then((mod) => {
      // undici is CommonJS: bundled, its exports arrive as the module's default.
      const undici = (mod as { default?: unknown }).default ?? mod;
      const { Pool } = undici as typeof mod;
      return new Pool(this.origin, {
        connections: this.options.connections,
        keepAliveTimeout: 30_000,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
    });
    return this.pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool).close();
  }
}
