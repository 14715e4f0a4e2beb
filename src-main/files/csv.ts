/**
 * RFC 4180 CSV (quoted fields may hold commas, quotes ("") and line breaks), parsed by csv-parse
 * rather than by hand: the one reader of every manifest, the library's import and the engine's
 * training and evaluation alike. Line numbers are the file's own: a row is named by the line it
 * starts on, counting blank lines and the line breaks inside quoted fields.
 */
import { CsvError, parse, type Options } from 'csv-parse/sync';

/** A CSV that cannot be read, with the 1-based line of the file where the trouble starts. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

export interface CsvRow {
  /** 1-based line of the file on which the row starts. */
  line: number;
  cells: string[];
}

/** Longest field, in characters: no manifest cell is a megabyte. */
const MAX_FIELD_CHARS = 1024 * 1024;

/** The rows of a CSV text that hold anything, each with the line it starts on. */
export function parseCsvRows(text: string): CsvRow[] {
  // One kind of line break, so that csv-parse's line count is the file's (it counts a quoted
  // \r\n twice); a \r\n inside a quoted field reads as \n.
  const source = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  let lastEnd = 0;
  let records: { record: string[]; info: { lines: number } }[];
  try {
    const options: Options = {
      info: true,
      relax_column_count: true,
      // A quote inside an unquoted field is a character of it (as in ab"c), not an error.
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: MAX_FIELD_CHARS,
      on_record: (record, context) => {
        lastEnd = context.lines;
        return record;
      },
    };
    // With `info`, each record comes with where it ends (csv-parse's types miss this overload).
    records = parse(source, options) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const start = nextFilledLine(source, lastEnd);
    if (error.code === 'CSV_QUOTE_NOT_CLOSED')
      throw new CsvSyntaxError(start, 'a quoted field opens here and is never closed');
    throw new CsvSyntaxError(start, error.message.replace(/ at line \d+.*$/, ''));
  }
  return records
    .map(({ record, info }) => ({
      // The record ends on info.lines; its quoted line breaks take it back to where it starts.
      line: info.lines - record.reduce((sum, cell) => sum + (cell.split('\n').length - 1), 0),
      cells: record,
    }))
    .filter((row) => row.cells.some((cell) => cell.trim() !== ''));
}

/** The first line after `after` (1-based) with anything on it. */
function nextFilledLine(source: string, after: number): number {
  const lines = source.split('\n');
  let index = after;
  while (index < lines.length - 1 && lines[index].trim() === '') index++;
  return index + 1;
}

/** The cells of each row of a CSV text that holds anything. */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).map((row) => row.cells);
}

export interface CsvTable {
  header: string[];
  /** Data rows keyed by header name, with the 1-based line of the file each starts on. */
  rows: { line: number; cells: Record<string, string>; cellCount: number }[];
}

export function readCsvTable(text: string): CsvTable {
  const [header, ...body] = parseCsvRows(text);
  if (!header) throw new Error('the CSV file is empty');
  const names = header.cells.map((name) => name.trim());
  return {
    header: names,
    rows: body.map(({ line, cells }) => ({
      line,
      cellCount: cells.length,
      cells: Object.fromEntries(names.map((name, column) => [name, (cells[column] ?? '').trim()])),
    })),
  };
}
