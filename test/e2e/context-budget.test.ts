// Issue 6's context budgets, as a client receives tools/list: they fail here, in review, before a
// user's conversations pay for a regression. The bench (npm run bench) reports the same numbers.
import { Tiktoken } from "js-tiktoken/lite";
import o200k_base from "js-tiktoken/ranks/o200k_base";
import { describe, expect, it } from "vitest";
import { startInProcess } from "../helpers/in-process.js";

const encoder = new Tiktoken(o200k_base);

async function listed(args: string[]) {
  const s = await startInProcess(["--sandbox", ...args]);
  try {
    const { tools } = await s.client.listTools();
    return {
      count: tools.length,
      tokens: encoder.encode(JSON.stringify({ tools })).length,
      instructions: s.client.getInstructions() ?? "",
    };
  } finally {
    await s.close();
  }
}

describe("context budgets (o200k tokens of tools/list)", () => {
  it("default: at most 128 tools and 15K tokens", async () => {
    const d = await listed([]);
    expect(d.count).toBeLessThanOrEqual(128);
    expect(d.tokens).toBeLessThanOrEqual(15_000);
    // What the listed schemas leave out is said once here, so it must stay.
    expect(d.instructions).toMatch(/ids are 20 characters/);
    expect(d.instructions).toMatch(/limit \(1-25\)/);
    expect(d.instructions).toMatch(/METADATA_NAME_EXISTS/);
  });

  it("--toolsets all: 282 tools with their body schemas in at most 38K tokens", async () => {
    const all = await listed(["--toolsets", "all"]);
    expect(all.count).toBe(282);
    expect(all.tokens).toBeLessThanOrEqual(38_000);
  });
});
