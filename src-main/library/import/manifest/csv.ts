/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (quoted) throw new Error('a quoted field is not closed before the end of the file');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((cell) => cell.trim() !== ''));
}

export interface CsvTable {
  header: string[];
  /** Data rows keyed by header name, with their 1-based line number in the file (header = 1). */
  rows: { line: number; cells: Record<string, string> }[];
}

export function readCsvTable(text: string): CsvTable {
  const [header, ...body] = parseCsv(text);
  if (!header) throw new Error('the CSV file is empty');
  const names = header.map((name) => name.trim());
  return {
    header: names,
    rows: body.map((cells, index) => ({
      line: index + 2,
      cells: Object.fromEntries(names.map((name, column) => [name, (cells[column] ?? '').trim()])),
    })),
  };
}
