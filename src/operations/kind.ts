// What an operation is, decided once from its method, path and name, and used everywhere: by the
// schema compactor (list parameters), paging (all_pages), the guard (which records a call reads)
// and the listings.
import type { HttpMethod, OperationKind, ParameterSpec } from "./operation.js";

interface KindFacts {
  id: string;
  method: HttpMethod;
  path: string;
  readOnly: boolean;
  /** A V1 operation: one POST endpoint, so only its name and read-only mark tell what it does. */
  v1: boolean;
}

export function kindOf({ id, method, path, readOnly, v1 }: KindFacts): OperationKind {
  if (v1 ? readOnly : method === "GET") {
    if (v1 || path.endsWith("}")) return "read";
    return path.endsWith("/search") ? "search" : "list";
  }
  if (readOnly) return "query";
  if (/^Create[A-Z]/.test(id)) return "create";
  if (/^(Edit|Update)[A-Z]/.test(id)) return "edit";
  if (/^Delete[A-Z]/.test(id)) return "delete";
  return "action";
}

/** A list or search that takes `page`: the ones that accept all_pages and max_items. */
export function isPaged(op: { kind: OperationKind; parameters: readonly ParameterSpec[] }): boolean {
  return (
    (op.kind === "list" || op.kind === "search") && op.parameters.some((p) => p.name === "page" && p.in === "query")
  );
}

/** A read of records by id: what the guard checks the owner of. */
export function isRecordRead(op: { kind: OperationKind }): boolean {
  return op.kind === "read";
}

/** A list or search: what the guard narrows to verified customers. */
export function isCollectionRead(op: { kind: OperationKind }): boolean {
  return op.kind === "list" || op.kind === "search";
}
