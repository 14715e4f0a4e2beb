/** Plain JSON, the only thing a job may hand back across the process border. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
