// Attack (on the operator): a limits file whose `operations` names an operation that does not
// exist (a typo) or one no rule holds back. The file's promise is that a mistake stops the server
// naming the field; a limit that silently applies to nothing is no limit.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import { createLogger } from "../../src/log.js";
import { startRuntime } from "../../src/runtime.js";

const dir = mkdtempSync(join(tmpdir(), "revcent-attack-limits-"));
let n = 0;
async function start(limits: unknown): Promise<unknown> {
  const path = join(dir, `limits-${++n}.json`);
  writeFileSync(path, JSON.stringify(limits));
  const config = parseConfig(["--sandbox", "--limits", path], {});
  const runtime = await startRuntime(config, createLogger("silent", process.stderr as unknown as Writable));
  await runtime.close();
  return undefined;
}

describe("operations in the limits file", () => {
  it("a misspelt operation id stops the start, naming it", async () => {
    const failure = await start({ operations: { RefundTransacton: { max_amount: 1 } } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/operations\.RefundTransacton .*no such operation/);
  });

  it("an operation no rule governs (it neither moves money nor destroys) stops the start", async () => {
    const failure = await start({ operations: { CreateCustomer: { max_calls: 1 } } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/operations\.CreateCustomer .*neither moves money nor is destructive/);
  });

  it("a real governed operation starts", async () => {
    await expect(start({ operations: { RefundTransaction: { max_amount: 1 } } })).resolves.toBeUndefined();
  });
});
