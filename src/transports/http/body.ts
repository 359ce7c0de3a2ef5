import type { IncomingMessage } from "node:http";

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The POST body as one parsed JSON value. Refused before parsing: a declared or streamed size over
 * the limit (413, as soon as the limit is crossed), a type other than JSON or a charset other
 * than UTF-8 (415); then malformed JSON (400).
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    const charset = /charset=([^;\s]+)/.exec(type)?.[1]?.replace(/"/g, "");
    if (!type.startsWith("application/json"))
      return reject(new BodyError(415, "Unsupported Media Type: send the JSON-RPC message as application/json."));
    if (charset && charset !== "utf-8" && charset !== "utf8")
      return reject(new BodyError(415, `Unsupported charset ${charset}: send UTF-8.`));
    const tooLarge = () => new BodyError(413, `The request body is larger than ${limit} bytes.`);
    if (Number(req.headers["content-length"]) > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        return reject(tooLarge());
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("error", () => reject(new BodyError(400, "The request body could not be read.")));
    req.once("end", () => {
      if (size > limit) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new BodyError(400, "Parse error: the body is not valid JSON."));
      }
    });
  });
}
