// The document field filter language (003): `-section` drops a section, `section` keeps only the
// named sections, `section.field` keeps only that field (of the object, or of each list item),
// `-section.field` drops it, `section.field=value` keeps list items whose field equals one of the
// values given for it, `-section.field=value` drops matching items. Fields may be dotted paths.
import { applyFieldFilters, parseFieldFilter, type FieldFilter } from "../operations/field-filter.js";
import { badRequest } from "./responses.js";

function parse(text: string, sections: Set<string>): FieldFilter {
  const filter = parseFieldFilter(text);
  if (typeof filter === "string") throw badRequest(`filters.document_field_filter: ${filter}`);
  if (!sections.has(filter.section))
    throw badRequest(
      `filters.document_field_filter: "${text}" names no document section (sections: ${[...sections].join(", ")})`,
    );
  return filter;
}

export function filterDocument(doc: Record<string, unknown>, texts: string[]): Record<string, unknown> {
  const filters = texts.filter((t) => t.trim()).map((t) => parse(t, new Set(Object.keys(doc))));
  return applyFieldFilters(doc, filters);
}
