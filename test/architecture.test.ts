// docs/architecture.md lists the layers that .dependency-cruiser.cjs enforces: the same names in
// the same order, and each directory or file the document names exists.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const { LAYERS } = require("../.dependency-cruiser.cjs") as { LAYERS: { name: string; path: string }[] };
const doc = readFileSync(new URL("../docs/architecture.md", import.meta.url), "utf8");
const table = doc.slice(doc.indexOf("<!-- layers"), doc.indexOf("<!-- /layers -->"));
const rows = table.split("\n").filter((line) => /^\| [a-z]/.test(line) && !line.startsWith("| layer |"));

describe("docs/architecture.md", () => {
  it("lists the checked layers, lowest first, by the same names", () => {
    expect(rows.map((row) => row.split("|")[1]!.trim())).toEqual(LAYERS.map((layer) => layer.name));
  });

  it("places each layer where the rule looks for it, and every place it names exists", () => {
    for (const [i, row] of rows.entries()) {
      const places = [...row.split("|")[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      expect(places.length, row).toBeGreaterThan(0);
      for (const place of places) {
        expect(existsSync(new URL(`../${place}`, import.meta.url)), place).toBe(true);
        expect(
          new RegExp(LAYERS[i]!.path).test(place.endsWith("/") ? `${place}x.ts` : place),
          `${place} in ${LAYERS[i]!.name}`,
        ).toBe(true);
      }
    }
  });

  it("names only source files that exist", () => {
    for (const [, path] of doc.matchAll(/`(src\/[\w/.-]+\.ts)`/g))
      expect(existsSync(new URL(`../${path}`, import.meta.url)), path).toBe(true);
  });
});
