// Matches request paths (relative to /v2) against the spec's path templates. Literal segments
// beat parameters, so /customers/search wins over /customers/{customer_id}.
import type { Method, OperationDef } from "./operations.js";

interface Template {
  segments: string[];
  byMethod: Map<Method, OperationDef>;
}

export interface RouteMatch {
  byMethod: Map<Method, OperationDef>;
  params: Record<string, string>;
}

const isParam = (s: string) => s.startsWith("{") && s.endsWith("}");

export class Router {
  private readonly templates: Template[] = [];

  constructor(operations: OperationDef[]) {
    const byPath = new Map<string, Template>();
    for (const op of operations) {
      let t = byPath.get(op.path);
      if (!t) {
        t = { segments: op.segments, byMethod: new Map() };
        byPath.set(op.path, t);
        this.templates.push(t);
      }
      t.byMethod.set(op.method, op);
    }
  }

  /** `segments` are the decoded path segments after /v2. */
  match(segments: string[]): RouteMatch | undefined {
    let best: { t: Template; score: string } | undefined;
    for (const t of this.templates) {
      if (t.segments.length !== segments.length) continue;
      let score = "";
      let ok = true;
      for (let i = 0; i < segments.length; i++) {
        const s = t.segments[i]!;
        if (isParam(s)) {
          if (!segments[i]) {
            ok = false;
            break;
          }
          score += "1";
        } else if (s === segments[i]) {
          score += "0";
        } else {
          ok = false;
          break;
        }
      }
      if (ok && (!best || score < best.score)) best = { t, score };
    }
    if (!best) return undefined;
    const params: Record<string, string> = {};
    best.t.segments.forEach((s, i) => {
      if (isParam(s)) params[s.slice(1, -1)] = segments[i]!;
    });
    return { byMethod: best.t.byMethod, params };
  }
}
