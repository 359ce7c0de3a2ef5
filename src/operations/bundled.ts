// The operations of the bundled spec and V1 catalog, precomputed at build time into
// dist/operations.json (scripts/build.mjs); derived at run time only when that file is absent.
import { existsSync, readFileSync } from "node:fs";
import type { Operation } from "./operation.js";
import { loadOperations } from "./openapi.js";
import { bundledV1Operations } from "./v1-catalog.js";

/** The bundled spec: beside dist/ when built, two levels up from this file when run from source. */
export const BUNDLED_SPEC =
  [
    new URL("../spec/revcent-v2.openapi.json", import.meta.url),
    new URL("../../spec/revcent-v2.openapi.json", import.meta.url),
  ].find((url) => existsSync(url)) ?? new URL("../spec/revcent-v2.openapi.json", import.meta.url);
const PRECOMPUTED = new URL("./operations.json", import.meta.url);

export interface BundledOperations {
  /** The V2 spec's operations. */
  v2: Operation[];
  /** The legacy V1 catalog's operations (the opt-in v1-legacy toolset). */
  v1: Operation[];
}

export function bundledOperations(): BundledOperations {
  try {
    const { operations, v1Operations } = JSON.parse(readFileSync(PRECOMPUTED, "utf8")) as {
      operations: Operation[];
      v1Operations: Operation[];
    };
    return { v2: operations, v1: v1Operations };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return { v2: loadOperations(JSON.parse(readFileSync(BUNDLED_SPEC, "utf8"))), v1: bundledV1Operations() };
  }
}
