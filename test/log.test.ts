// The logger itself blanks secrets by path, as a second wall behind "never log arguments".
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";

describe("createLogger", () => {
  it("redacts keys, authorization, passwords, card fields and arguments wherever they sit", async () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = createLogger("info", sink);
    logger.info(
      {
        apiKey: "sandbox-key",
        headers: { "x-api-key": "sandbox-key", authorization: "Bearer tok-123" },
        request: { password: "hunter2-smtp-password", card_number: "4111111111111111", args: { card_code: "123" } },
        arguments: { any: "sk_live_abc" },
        operation: "GetCustomer",
      },
      "call",
    );
    await new Promise((r) => setImmediate(r));
    for (const secret of ["sandbox-key", "tok-123", "hunter2", "4111111111111111", "sk_live_abc", '"123"'])
      expect(out).not.toContain(secret);
    expect(out).toContain('"operation":"GetCustomer"');
    expect(out).toContain("[redacted]");
  });
});
