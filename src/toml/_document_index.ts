/**
 * The structure of a TOML text as the editor needs it: every header, every
 * `key = value` statement and every value with its span, collected from the
 * parser's events in the same pass that builds the values. Internal to
 * `src/toml/`.
 *
 * @module
 */

import { parseToml, type TomlPath, type TomlTable, type TomlValueKind } from "./_parser.ts";

/** A path with every segment as a string (array indexes as decimal text). */
export type Path = string[];

/** A `[table]` or `[[array.of.tables]]` header. */
export interface HeaderSpan {
  /** Absolute path of the table it opens (ends with the index for `[[x]]`). */
  path: Path;
  /** True for `[[x]]`. */
  isArray: boolean;
  /** Offset of the `[`. */
  start: number;
  /** Offset after the closing bracket(s). */
  end: number;
  /** 1-based line. */
  line: number;
}

/** A `key = value` statement. */
export interface KeyValueSpan {
  /** Absolute path of the value the statement defines. */
  path: Path;
  /** Absolute path of the containing table (header table, root, or inline table). */
  table: Path;
  /** The key's segments as written (unquoted). */
  key: string[];
  /** Offset of the key's first character. */
  keyStart: number;
  /** Offset after the key. */
  keyEnd: number;
  /** Offset of the value's first character. */
  valueStart: number;
  /** Offset after the value. */
  valueEnd: number;
  /** 1-based line of the key. */
  line: number;
  /** True inside an inline table. */
  inline: boolean;
  /** Index in `headers` of the header whose block holds it; -1 for the top level. */
  block: number;
}

/** Any value with its span. */
export interface ValueSpan {
  /** Absolute path. */
  path: Path;
  /** TOML type. */
  kind: TomlValueKind;
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

/** Everything the editor knows about one version of the text. */
export interface DocIndex {
  /** The text. */
  text: string;
  /** The values, as `parse` gives them. */
  value: TomlTable;
  /** Headers in document order. */
  headers: HeaderSpan[];
  /** Statements outside inline tables, in document order. */
  statements: KeyValueSpan[];
  /** Statements inside inline tables, in the order the parser finished them. */
  inlineStatements: KeyValueSpan[];
  /** Every value span by path key. */
  values: Map<string, ValueSpan>;
  /** Every statement (inline or not) by the path key of the value it defines. */
  keyValues: Map<string, KeyValueSpan>;
  /** Headers by path key. */
  headerByPath: Map<string, HeaderSpan>;
  /** For a table created by a dotted key: the first statement that created it. */
  dottedBy: Map<string, KeyValueSpan>;
}

/** A map key for a path. */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

/** True when `path` starts with every segment of `prefix`. */
export function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  if (path.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}

function strings(path: TomlPath): Path {
  return path.map(String);
}

/**
 * Parses `text` and indexes its structure.
 *
 * @throws {TomlParseError} when the text is not valid TOML.
 */
export function indexDocument(text: string, file?: string): DocIndex {
  const headers: HeaderSpan[] = [];
  const statements: KeyValueSpan[] = [];
  const inlineStatements: KeyValueSpan[] = [];
  const values = new Map<string, ValueSpan>();
  const keyValues = new Map<string, KeyValueSpan>();
  const headerByPath = new Map<string, HeaderSpan>();
  const dottedBy = new Map<string, KeyValueSpan>();
  const value = parseToml(text, {
    file,
    events: {
      header(e) {
        const h = {
          path: strings(e.path),
          isArray: e.isArray,
          start: e.start,
          end: e.end,
          line: e.line,
        };
        headers.push(h);
        headerByPath.set(pathKey(h.path), h);
      },
      value(e) {
        const path = strings(e.path);
        values.set(pathKey(path), { path, kind: e.kind, start: e.start, end: e.end });
      },
      keyValue(e) {
        const table = strings(e.table);
        const kv: KeyValueSpan = {
          path: [...table, ...e.key],
          table,
          key: e.key,
          keyStart: e.keyStart,
          keyEnd: e.keyEnd,
          valueStart: e.valueStart,
          valueEnd: e.valueEnd,
          line: e.line,
          inline: e.inline,
          block: e.inline ? -2 : headers.length - 1,
        };
        (e.inline ? inlineStatements : statements).push(kv);
        keyValues.set(pathKey(kv.path), kv);
        for (let i = 1; i < e.key.length; i++) {
          const k = pathKey([...table, ...e.key.slice(0, i)]);
          if (!dottedBy.has(k)) dottedBy.set(k, kv);
        }
      },
    },
  });
  return {
    text,
    value,
    headers,
    statements,
    inlineStatements,
    values,
    keyValues,
    headerByPath,
    dottedBy,
  };
}
