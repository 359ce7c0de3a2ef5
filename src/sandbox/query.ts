// Reads query strings the way RevCent does: repeated params for multi-value filters (form,
// explode), comma lists for explode=false, and deepObject params in both documented forms:
// metadata_filter[0][name]=a&metadata_filter[0][value]=b, or metadata_filter={"name":"a","value":"b"}.
import { badRequest } from "./responses.js";
import { isRecord } from "./schema.js";

export type QueryEntries = [string, string][];

export function queryEntries(search: string): QueryEntries {
  return [...new URLSearchParams(search).entries()];
}

/** Values given for a plain (non-bracketed) parameter, in order. */
export function plainValues(entries: QueryEntries, name: string): string[] {
  return entries.filter(([k]) => k === name).map(([, v]) => v);
}

const BRACKETED = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;

/** Splits "metadata_filter[0][name]" into ["metadata_filter", ["0", "name"]]. */
function splitBracketed(key: string): [string, string[]] | undefined {
  const m = BRACKETED.exec(key);
  if (!m) return undefined;
  const parts = [...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!);
  return [m[1]!, parts];
}

export function hasDeepValues(entries: QueryEntries, name: string): boolean {
  return entries.some(([k]) => k === name || splitBracketed(k)?.[0] === name);
}

/**
 * Collects a deepObject parameter. Returns an array of objects when `asArray`, else one object.
 * Bracketed entries come first (ordered by index), then stringified-JSON entries.
 */
export function deepObjectValue(entries: QueryEntries, name: string, asArray: boolean): unknown {
  const indexed = new Map<string, Record<string, unknown>>();
  const json: unknown[] = [];
  for (const [key, value] of entries) {
    if (key === name) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw badRequest(
          `${name} must be a JSON object such as {"name":"...","value":"..."} or use ${name}[0][name]=...&${name}[0][value]=...`,
        );
      }
      if (Array.isArray(parsed)) json.push(...parsed);
      else json.push(parsed);
      continue;
    }
    const split = splitBracketed(key);
    if (!split || split[0] !== name) continue;
    const parts = split[1];
    // name[0][field]=v (indexed) or name[field]=v (a single object)
    const [group, field] = parts.length >= 2 ? [parts[0]!, parts.slice(1).join(".")] : ["", parts[0]!];
    if (!field) throw badRequest(`${key} is not a valid ${name} parameter`);
    const target = indexed.get(group) ?? {};
    target[field] = value;
    indexed.set(group, target);
  }
  const ordered = [...indexed.entries()].sort(([a], [b]) => (Number(a) || 0) - (Number(b) || 0)).map(([, v]) => v);
  const all = [...ordered, ...json];
  if (asArray) return all;
  const first = all[0];
  return isRecord(first) ? first : (first ?? {});
}
