// Upstream text (notes, metadata, names) is data for the model, never instructions to it. Text a
// human reviewer cannot see is how instructions get smuggled: zero-width characters, bidi controls,
// tag characters, fillers, and payloads encoded as runs of variation selectors. Every code point
// that Unicode marks Default_Ignorable_Code_Point, and every format character (Cf), is removed —
// except where it is part of an ordinary emoji, so that visible text stays exactly as it was:
// one presentation selector after an emoji (❤️), a zero-width joiner between two emoji (👩‍💻),
// and the three tag sequences that spell the flags of England, Scotland and Wales.

const HIDDEN = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const EMOJI = /\p{Emoji}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const MODIFIER = /\p{Emoji_Modifier}/u;

const TEXT_PRESENTATION = "\ufe0e";
const EMOJI_PRESENTATION = "\ufe0f";
const ZERO_WIDTH_JOINER = "\u200d";
const BLACK_FLAG = "\u{1f3f4}";
const CANCEL_TAG = "\u{e007f}";
/** The subdivision flags Unicode recommends (RGI): gbeng, gbsct, gbwls, spelled in tag characters. */
const FLAG_TAGS = new Set(
  ["gbeng", "gbsct", "gbwls"].map(
    (name) => [...name].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join("") + CANCEL_TAG,
  ),
);

/** Whether the text holds any character stripHidden would look at. */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text);
}

/** The text without hidden characters; ordinary emoji sequences are kept whole. */
export function stripHidden(text: string): string {
  if (!HIDDEN.test(text)) return text;
  const points = Array.from(text);
  let out = "";
  let last = ""; // the last code point kept
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    if (point === BLACK_FLAG) {
      const tags = flagTagsAt(points, i + 1);
      out += point + tags;
      last = tags ? CANCEL_TAG : point;
      i += [...tags].length;
      continue;
    }
    if (!HIDDEN.test(point) || keepsEmojiWhole(point, last, points[i + 1])) {
      out += point;
      last = point;
    }
  }
  return out;
}

/** The tag characters after a black flag when they spell a recommended flag, else "". */
function flagTagsAt(points: string[], start: number): string {
  let end = start;
  while (end < points.length && end - start < 6 && points[end]! >= "\u{e0020}" && points[end]! <= CANCEL_TAG) {
    if (points[end++] === CANCEL_TAG) break;
  }
  const tags = points.slice(start, end).join("");
  return FLAG_TAGS.has(tags) ? tags : "";
}

/** A presentation selector right after an emoji, or a joiner between two emoji. */
function keepsEmojiWhole(point: string, last: string, next: string | undefined): boolean {
  if (point === EMOJI_PRESENTATION || point === TEXT_PRESENTATION) {
    return last !== "" && !HIDDEN.test(last) && EMOJI.test(last);
  }
  if (point === ZERO_WIDTH_JOINER) {
    const afterEmoji = last === EMOJI_PRESENTATION || PICTOGRAPHIC.test(last) || MODIFIER.test(last);
    return afterEmoji && next !== undefined && PICTOGRAPHIC.test(next);
  }
  return false;
}
