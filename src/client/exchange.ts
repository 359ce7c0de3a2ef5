// One HTTP exchange over undici's dispatch API. Lower than Pool.request on purpose: no stream
// object per response and no signal plumbing inside undici, which together were most of the
// client's cost per call (bench/client-overhead.ts); the size cap is enforced as bytes arrive, and
// an abort goes straight to the connection through the handler's controller.
import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";

export interface ExchangeRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Bytes of response body after which the exchange is aborted with `tooLarge()`. */
  maxBytes: number;
  tooLarge: (declaredBytes?: number) => Error;
  abort: Abortable;
}

/** What can stop an exchange: cheaper than an AbortSignal, which costs microseconds to create. */
export interface Abortable {
  readonly aborted: boolean;
  /** Calls `stop` once if the exchange is aborted; returns the unsubscribe. */
  onAbort(stop: () => void): () => void;
}

export interface ExchangeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function exchange(dispatcher: Dispatcher, req: ExchangeRequest): Promise<ExchangeResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let size = 0;
    const chunks: Buffer[] = [];
    const abortReason = () => Object.assign(new Error("The exchange was aborted."), { name: "AbortError" });
    if (req.abort.aborted) return reject(abortReason());
    const done = req.abort.onAbort(() => controller?.abort(abortReason()));

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (req.abort.aborted) c.abort(abortReason());
      },
      onResponseStart(c, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders;
        const declared = Number(responseHeaders["content-length"]);
        if (Number.isFinite(declared) && declared > req.maxBytes) c.abort(req.tooLarge(declared));
      },
      onResponseData(c, chunk) {
        size += chunk.length;
        if (size > req.maxBytes) return c.abort(req.tooLarge());
        chunks.push(chunk);
      },
      onResponseEnd() {
        done();
        resolve({ status, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
      },
      onResponseError(_c, error) {
        done();
        reject(error);
      },
    };
    dispatcher.dispatch({ method: req.method, path: req.path, headers: req.headers, body: req.body }, handler);
  });
}
