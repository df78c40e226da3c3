/**
 * The structure of a TOML text as the editor needs it: every header, every
 * `key = value` statement and every value with its span, collected from the
 * parser's events in the same pass that builds the values. Internal to
 * `src/toml/`.
 *
 * Every edit re-parses the whole text, so collecting must be cheap: the
 * events are kept as the parser made them (paths with numeric indexes), and
 * lookups scan them; maps keyed by path are built only when a caller reads
 * the whole document (`entries()`).
 *
 * @module
 */

import {
  parseToml,
  type TomlHeaderEvent,
  type TomlKeyValueEvent,
  type TomlPath,
  type TomlTable,
  type TomlValue,
  type TomlValueEvent,
} from "./_parser.ts";

/** A path with every segment as a string (array indexes as decimal text). */
export type Path = string[];

/** A `[table]` or `[[array.of.tables]]` header (path ends with the index for `[[x]]`). */
export type HeaderSpan = TomlHeaderEvent;

/** A `key = value` statement, with the block it sits in. */
export interface KeyValueSpan extends TomlKeyValueEvent {
  /** Index in `headers` of the header whose block holds it; -1 for the top level, -2 inside an inline table. */
  block: number;
}

/** Any value with its span. */
export type ValueSpan = TomlValueEvent;

/** True when segment `a` (string or index) is segment `b`. */
function same(a: string | number, b: string | number): boolean {
  return a === b || String(a) === String(b);
}

/** True when `path` starts with every segment of `prefix`. */
export function startsWith(
  path: readonly (string | number)[],
  prefix: readonly (string | number)[],
): boolean {
  if (path.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (!same(path[i], prefix[i])) return false;
  return true;
}

/** True when two paths name the same place. */
export function samePath(
  a: readonly (string | number)[],
  b: readonly (string | number)[],
): boolean {
  return a.length === b.length && startsWith(a, b);
}

/** A path with string segments. */
export function strings(path: TomlPath): Path {
  return path.map(String);
}

/** The absolute path of the value a statement defines. */
export function statementPath(kv: TomlKeyValueEvent): Path {
  return [...strings(kv.table), ...kv.key];
}

/** True when statement `kv` defines the value at `path` or something under it. */
export function statementUnder(kv: TomlKeyValueEvent, path: Path): boolean {
  const t = kv.table;
  const n = Math.min(t.length, path.length);
  for (let i = 0; i < n; i++) if (!same(t[i], path[i])) return false;
  for (let i = t.length; i < path.length; i++) {
    if (i - t.length >= kv.key.length || kv.key[i - t.length] !== path[i]) return false;
  }
  return true;
}

function statementIs(kv: TomlKeyValueEvent, path: Path): boolean {
  return kv.table.length + kv.key.length === path.length && statementUnder(kv, path);
}

const key = (path: readonly (string | number)[]) => JSON.stringify(path.map(String));

/** Maps from path to span, for reading the whole document at once. */
interface Maps {
  headers: Map<string, HeaderSpan>;
  statements: Map<string, KeyValueSpan>;
  values: Map<string, ValueSpan>;
  dotted: Map<string, KeyValueSpan>;
}

/** Everything the editor knows about one version of the text. */
export class DocIndex {
  /** The text. */
  readonly text: string;
  /** The values, as `parse` gives them. */
  readonly value: TomlTable;
  /** Headers in document order. */
  readonly headers: HeaderSpan[] = [];
  /** Statements outside inline tables, in document order. */
  readonly statements: KeyValueSpan[] = [];
  /** Statements inside inline tables, in the order the parser finished them. */
  readonly inlineStatements: KeyValueSpan[] = [];
  /** Every value, children before their container. */
  readonly values: ValueSpan[] = [];
  #maps: Maps | undefined;
  /** Lookups answered by scanning; past a few, the maps pay for themselves. */
  #scans = 0;
  #lastInBlock: (KeyValueSpan | undefined)[] | undefined;

  /**
   * Parses `text` and indexes its structure (or, with `known`, takes the
   * structure of `text` as already known: see {@link DocIndex.replaceScalar}).
   *
   * @throws {TomlParseError} when the text is not valid TOML.
   */
  constructor(text: string, file?: string, known?: Known) {
    this.text = text;
    if (known) {
      this.value = known.value;
      this.headers = known.headers;
      this.statements = known.statements;
      this.inlineStatements = known.inlineStatements;
      this.values = known.values;
      return;
    }
    const { headers, statements, inlineStatements, values } = this;
    this.value = parseToml(text, {
      file,
      events: {
        header: (e) => void headers.push(e),
        value: (e) => void values.push(e),
        keyValue(e) {
          const kv = e as KeyValueSpan;
          if (e.inline) {
            kv.block = -2;
            inlineStatements.push(kv);
          } else {
            kv.block = headers.length - 1;
            statements.push(kv);
          }
        },
      },
    });
  }

  /** Builds the path maps once, when the whole document is read. */
  maps(): Maps {
    if (this.#maps) return this.#maps;
    const m: Maps = {
      headers: new Map(),
      statements: new Map(),
      values: new Map(),
      dotted: new Map(),
    };
    for (const h of this.headers) m.headers.set(key(h.path), h);
    for (const v of this.values) m.values.set(key(v.path), v);
    for (const kv of [...this.statements, ...this.inlineStatements]) {
      const p = statementPath(kv);
      m.statements.set(key(p), kv);
      for (let i = kv.table.length + 1; i < p.length; i++) {
        const k = key(p.slice(0, i));
        if (!m.dotted.has(k)) m.dotted.set(k, kv);
      }
    }
    this.#maps = m;
    return m;
  }

  /**
   * The maps when already built, or built now when this index has answered
   * several lookups by scanning: one edit needs a handful of lookups (a scan
   * each is cheaper than building maps), but a caller asking about every key
   * (e.g. the kind of each number) would otherwise scan once per key.
   */
  #lookupMaps(): Maps | undefined {
    if (this.#maps) return this.#maps;
    return ++this.#scans > 16 ? this.maps() : undefined;
  }

  /** The header opening the table at `path`. */
  findHeader(path: Path): HeaderSpan | undefined {
    const maps = this.#lookupMaps();
    if (maps) return maps.headers.get(key(path));
    return this.headers.find((h) => samePath(h.path, path));
  }

  /** The statement defining the value at `path`. */
  findStatement(path: Path): KeyValueSpan | undefined {
    const maps = this.#lookupMaps();
    if (maps) return maps.statements.get(key(path));
    return this.statements.find((s) => statementIs(s, path)) ??
      this.inlineStatements.find((s) => statementIs(s, path));
  }

  /** The span of the value at `path` (values written by headers have none). */
  findValue(path: Path): ValueSpan | undefined {
    const maps = this.#lookupMaps();
    if (maps) return maps.values.get(key(path));
    return this.values.find((v) => samePath(v.path, path));
  }

  /** For a table created by dotted keys: the first statement that created it. */
  findDottedBy(path: Path): KeyValueSpan | undefined {
    const maps = this.#lookupMaps();
    if (maps) return maps.dotted.get(key(path));
    const creates = (s: KeyValueSpan) =>
      path.length > s.table.length && path.length < s.table.length + s.key.length &&
      statementUnder(s, path);
    return this.statements.find(creates) ?? this.inlineStatements.find(creates);
  }

  /** The last statement of the block opened by header `block` (-1: the top level). */
  lastInBlock(block: number): KeyValueSpan | undefined {
    if (!this.#lastInBlock) {
      const last: (KeyValueSpan | undefined)[] = new Array(this.headers.length + 1);
      for (const s of this.statements) last[s.block + 1] = s;
      this.#lastInBlock = last;
    }
    return this.#lastInBlock[block + 1];
  }
}

/** The structure of a text, when known without parsing it. */
interface Known {
  value: TomlTable;
  headers: HeaderSpan[];
  statements: KeyValueSpan[];
  inlineStatements: KeyValueSpan[];
  values: ValueSpan[];
}

const PREFIX = "v = ";

/**
 * The index of `idx.text` with the scalar value written exactly at
 * `[start, end)` replaced by `insert`, without parsing the whole text again;
 * undefined when the change is not of that kind (the caller then re-parses
 * the whole text, which also reports an invalid result).
 *
 * Why this is the same as a re-parse: `insert` alone parses as exactly one
 * scalar (no array, no table) filling all of it, on one line, and it takes
 * the place of another scalar on one line. A scalar's text is delimited by
 * what surrounds it (space, comment, line break, `,`, `]`, `}`), which the
 * old text already had after a scalar, and a scalar defines no key, so no
 * other statement can start or stop being valid (no duplicate key, no
 * redefined table), and nothing outside the span moves but by the length
 * difference: every offset at or after `end` shifts, lines stay.
 */
export function replaceScalar(
  idx: DocIndex,
  start: number,
  end: number,
  insert: string,
  file?: string,
): DocIndex | undefined {
  const text = idx.text;
  if (/[\r\n]/.test(insert) || /[\r\n]/.test(text.slice(start, end))) return undefined;
  const at = idx.values.findIndex((v) => v.start === start && v.end === end);
  if (at < 0) return undefined;
  const old = idx.values[at];
  if (old.kind === "array" || old.kind === "table") return undefined;
  let alone: TomlValueEvent | undefined;
  let count = 0;
  let parsed: TomlTable;
  try {
    parsed = parseToml(PREFIX + insert, {
      file,
      events: {
        value(e) {
          alone = e;
          count++;
        },
      },
    });
  } catch {
    return undefined;
  }
  if (
    count !== 1 || alone === undefined || alone.start !== PREFIX.length ||
    alone.end !== PREFIX.length + insert.length || alone.kind === "array" ||
    alone.kind === "table"
  ) {
    return undefined;
  }
  const delta = insert.length - (end - start);
  const shift = (n: number) => n >= end ? n + delta : n;
  const kind = alone.kind;
  const values = idx.values.map((v, i): ValueSpan =>
    i === at
      ? { ...v, kind, end: start + insert.length }
      : v.end < end
      ? v
      : { ...v, start: shift(v.start), end: shift(v.end) }
  );
  const moveKv = (kv: KeyValueSpan): KeyValueSpan =>
    kv.valueEnd < end ? kv : {
      ...kv,
      keyStart: shift(kv.keyStart),
      keyEnd: shift(kv.keyEnd),
      valueStart: shift(kv.valueStart),
      valueEnd: shift(kv.valueEnd),
    };
  const headers = idx.headers.map((h) =>
    h.end < end ? h : { ...h, start: shift(h.start), end: shift(h.end) }
  );
  return new DocIndex(text.slice(0, start) + insert + text.slice(end), file, {
    value: withValueAt(idx.value, old.path, parsed.v),
    headers,
    statements: idx.statements.map(moveKv),
    inlineStatements: idx.inlineStatements.map(moveKv),
    values,
  });
}

/** A copy of `root` with the value at `path` replaced; only the containers on the path are copied. */
function withValueAt(root: TomlTable, path: TomlPath, value: TomlValue): TomlTable {
  const copy = (node: TomlValue, i: number): TomlValue => {
    if (i === path.length) return value;
    const seg = path[i];
    if (Array.isArray(node)) {
      const out = node.slice();
      out[seg as number] = copy(node[seg as number], i + 1);
      return out;
    }
    const table = node as TomlTable;
    const out: TomlTable = {};
    for (const k of Object.keys(table)) {
      const v = k === String(seg) ? copy(table[k], i + 1) : table[k];
      // An own "__proto__" key must stay a key (plain assignment would set the prototype).
      if (k === "__proto__") {
        Object.defineProperty(out, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[k] = v;
    }
    return out;
  };
  return copy(root, 0) as TomlTable;
}

/**
 * Parses `text` and indexes its structure.
 *
 * @throws {TomlParseError} when the text is not valid TOML.
 */
export function indexDocument(text: string, file?: string): DocIndex {
  return new DocIndex(text, file);
}
