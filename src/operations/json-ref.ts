// Local JSON references ($ref "#/components/..."), resolved one way for every reader of an OpenAPI
// document: the operation loader and the sandbox's request validation.
import { isObject } from "./operation.js";

/** Longest chain of references followed before the document is called circular. */
const MAX_HOPS = 32;

/**
 * A resolver for references into `doc`: a node without `$ref` is returned as it is; sibling
 * keywords next to a `$ref` (allowed in OpenAPI 3.1) refine its target. `fail` makes the error a
 * bad reference throws, so each reader reports it in its own terms.
 */
export function makeDereferencer(
  doc: unknown,
  fail: (message: string) => Error = (message) => new Error(message),
): (node: unknown) => unknown {
  const resolvePointer = (ref: string): unknown => {
    if (!ref.startsWith("#")) throw fail(`only local references are supported, got ${ref}`);
    let target: unknown = doc;
    for (const part of ref.slice(1).split("/").filter(Boolean)) {
      const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[key] : undefined;
      if (target === undefined) throw fail(`unresolved reference ${ref}`);
    }
    return target;
  };
  return (node) => {
    let current = node;
    for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
      if (hops >= MAX_HOPS) throw fail(`reference chain too deep at ${current.$ref}`);
      const { $ref, ...siblings } = current;
      const target = resolvePointer($ref as string);
      current = Object.keys(siblings).length && isObject(target) ? { ...target, ...siblings } : target;
    }
    return current;
  };
}
