// A tool's answer as data: its structured content where the tool declares an outputSchema, else
// its one JSON text (the server sends one copy of an answer, not two).
export function answerOf(result: unknown): any {
  const r = result as { structuredContent?: unknown; content?: { type: string; text?: string }[] } | undefined;
  if (r?.structuredContent !== undefined) return r.structuredContent;
  const text = r?.content?.find((c) => c.type === "text")?.text;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
