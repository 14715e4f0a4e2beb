/**
 * Writing CSV cells that a spreadsheet opens as text, never as a formula (OWASP's CSV injection
 * rule): a text cell starting with = + - @ tab or carriage return gets a leading single quote
 * and is quoted. Numbers are written as numbers: -0.5 is a value, not a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The text with a leading single quote when a spreadsheet would read it as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse, for our own readers of files we wrote: `'=x` reads back as `=x`. */
export function restoreFormulaText(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

export function startsLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

/** One CSV cell: formulas neutralised; commas, quotes and line breaks quoted (RFC 4180). */
export function csvCell(field: string | number | null | undefined): string {
  if (field === null || field === undefined) return '';
  if (typeof field === 'number') return String(field);
  const text = neutraliseFormula(field);
  return text !== field || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of cells. */
export function csvLine(fields: readonly (string | number | null | undefined)[]): string {
  return fields.map(csvCell).join(',');
}
