// What a server's sessions share per credential is kept for the most recent credentials only: over
// HTTP every made-up x-api-key reaches forKey before RevCent judges it, so the cache must not grow
// with each one.
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { bundledOperations } from "../src/operations/bundled.js";
import { MAX_CACHED_CREDENTIALS, SharedServerParts } from "../src/server-deps.js";

describe("SharedServerParts.forKey", () => {
  const { v2, v1 } = bundledOperations();
  const parts = new SharedServerParts(
    parseConfig([], { REVCENT_API_KEY: "k" }),
    [...v2, ...v1],
    { apiUrl: "http://127.0.0.1:9/v2", v1Url: "http://127.0.0.1:9/v1" },
    pino({ level: "silent" }),
  );
  afterAll(() => parts.close());

  it("reuses a credential's client and guard, and keeps only the most recently used credentials", () => {
    const first = parts.forKey("key-first");
    expect(parts.forKey("key-first")).toBe(first);
    const recent = parts.forKey("key-recent");
    for (let i = 0; i < MAX_CACHED_CREDENTIALS - 1; i++) {
      parts.forKey(`made-up-${i}`);
      if (i % 100 === 0) parts.forKey("key-recent"); // kept in use
    }
    expect(parts.forKey("key-recent")).toBe(recent);
    expect(parts.forKey("key-first")).not.toBe(first); // the least recently used went first
  });
});
