// Fault injection for tests: rules, held by the process that started the sandbox, that make chosen
// requests fail the ways real upstreams do. Nothing reaches them over HTTP.

export type Fault =
  /** Wait, then answer normally. */
  | { kind: "latency"; ms: number }
  /** Answer with this status and JSON body instead of handling the request. */
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** 429 with a Retry-After header, in seconds. */
  | { kind: "rate_limit"; retryAfterSeconds: number }
  /** A body that is not JSON: an HTML error page, or JSON cut off mid-way. */
  | { kind: "html"; status?: number }
  | { kind: "malformed"; status?: number }
  /** A JSON body of about this many bytes. */
  | { kind: "oversized"; bytes: number }
  /** A redirect to another origin. */
  | { kind: "redirect"; location: string }
  /** Close the connection without answering, before handling the request. */
  | { kind: "reset" }
  /** Handle the request (its effects happen), then close the connection without answering. */
  | { kind: "lost_response" };

export interface FaultRule {
  /** Which requests: by operationId (V1: the catalog's), or by method and/or exact path (under /v2; "/v1" for V1). */
  match: { operationId?: string; method?: string; path?: string };
  fault: Fault;
  /** How many matching requests it applies to; unlimited when absent. */
  times?: number;
}

export interface FaultTarget {
  operationId: string;
  method: string;
  path: string;
}

export class FaultInjector {
  private rules: { rule: FaultRule; left: number }[] = [];
  /** Requests a rule applied to, in order; for assertions. */
  readonly hits: FaultTarget[] = [];
  /** Requests whose client went away while a latency fault held them (cancelled, timed out). */
  readonly abandoned: FaultTarget[] = [];

  add(rule: FaultRule): this {
    this.rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  clear(): void {
    this.rules = [];
    this.hits.length = 0;
    this.abandoned.length = 0;
  }

  /** The fault for this request, if a rule matches and has uses left; consumes one use. */
  take(target: FaultTarget): Fault | undefined {
    const entry = this.rules.find(({ rule, left }) => left > 0 && matches(rule.match, target));
    if (!entry) return undefined;
    entry.left -= 1;
    this.hits.push(target);
    return entry.rule.fault;
  }
}

function matches(match: FaultRule["match"], t: FaultTarget): boolean {
  return (
    (match.operationId === undefined || match.operationId === t.operationId) &&
    (match.method === undefined || match.method.toUpperCase() === t.method) &&
    (match.path === undefined || match.path === t.path)
  );
}
