// The operation registry as the generated docs see it: the bundled spec through the generator.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { loadOperations } from "../../src/operations/openapi.js";
import type { Operation } from "../../src/operations/operation.js";
import { loadV1Operations } from "../../src/operations/v1-catalog.js";

export const SPEC_PATH = "spec/revcent-v2.openapi.json";
export const operations: Operation[] = loadOperations(
  JSON.parse(readFileSync(new URL(`../../${SPEC_PATH}`, import.meta.url), "utf8")),
);

/** The opt-in legacy V1 operations (toolset v1-legacy), from their own catalog. */
export const v1Operations: Operation[] = loadV1Operations(
  JSON.parse(readFileSync(new URL("../../spec/v1-operations.json", import.meta.url), "utf8")),
);

/** Operations grouped by toolset, toolsets in name order, operations in spec order. */
export function operationsByToolset(ops: readonly Operation[] = operations): [toolset: string, ops: Operation[]][] {
  const groups = new Map<string, Operation[]>();
  for (const op of ops) groups.set(op.toolset, [...(groups.get(op.toolset) ?? []), op]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Writes the generated text under UPDATE_DOCS (npm run docs); otherwise the file must already say it. */
export function expectCurrent(current: string, expected: string, write: (text: string) => void): void {
  if (process.env.UPDATE_DOCS) write(expected);
  else
    expect(current, "generated docs are out of date with the registry: run npm run docs and commit the result").toBe(
      expected,
    );
}
