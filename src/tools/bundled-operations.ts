// The operations of the bundled spec, precomputed at build time into dist/operations.json
// (scripts/build.mjs); derived from the spec at run time only when that file is absent.
import { readFileSync } from "node:fs";
import type { Operation } from "./operation.js";
import { loadOperations } from "./openapi.js";

export const BUNDLED_SPEC = new URL("../spec/revcent-v2.openapi.json", import.meta.url);
const PRECOMPUTED = new URL("./operations.json", import.meta.url);

export function bundledOperations(): Operation[] {
  try {
    return (JSON.parse(readFileSync(PRECOMPUTED, "utf8")) as { operations: Operation[] }).operations;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return loadOperations(JSON.parse(readFileSync(BUNDLED_SPEC, "utf8")));
  }
}
