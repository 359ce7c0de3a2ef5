// Upstream free text (notes, metadata, names) is data for the model, never instructions to it:
// characters that hide text from a human reviewer or reorder it are removed before it is shown.

// Zero-width and joiner characters, bidi embeddings/overrides/isolates, the word joiner block,
// the BOM, soft hyphen, and the Unicode tag characters (U+E0000-E007F) used to smuggle text.
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\u{e0000}-\u{e007f}]/gu;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, "");
}
