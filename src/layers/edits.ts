/**
 * The core's side of a write: the value to write (a person's text converted
 * to the key's type, or a program's value checked against it), and the edit
 * callbacks the store runs under the lock (parse the file as it is now,
 * refuse a file that does not parse, change one key).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import type { Hint } from "../hints.ts";
import { isTable } from "../is_table.ts";
import { formatKey } from "../keys.ts";
import { MAX_DEPTH, nestingDepth, tooDeepReason } from "../max_depth.ts";
import type { FileFormat } from "../platform/paths.ts";
import { refuseBrokenSet } from "../schema/check_value.ts";
import type { LoadedSchema } from "../schema/load_schema.ts";
import { TomlDateTime } from "../toml/datetime.ts";
import {
  ConversionError,
  fromText,
  isSealed,
  mismatch,
  typeNames,
  type ValueType,
  wideIntegers,
} from "../codec/value.ts";
import { clipText } from "../clip.ts";
import { type ConfigDocument, parseDocument, setValue } from "./document.ts";
import { knownType } from "./resolve.ts";
import type { SetOptions, Snapshot } from "./types.ts";

/** A change for the journal. */
export interface Change {
  /** The key as dotted text. */
  key: string;
  /** Before (absent: undefined). */
  old?: unknown;
  /** After (removed: undefined). */
  new?: unknown;
  /** Extra fields the journal keeps as given. */
  [extra: string]: unknown;
}

/** What an edit callback returns to the store: the new text and the changes for the journal. */
export type EditResult = { text: string; changes: Change[] } | null;

/**
 * What a key's edit did: the text to write (the current text when nothing
 * changes, so the store writes nothing), the changes for the journal, the
 * value it replaced and the document it made.
 */
export interface KeyEdit {
  /** The new text (the current one when nothing changes). */
  text: string;
  /** The changes for the journal (none when nothing changes). */
  changes: Change[];
  /** The key's value before the edit. */
  old?: unknown;
  /** The document written (for the parsed-values cache); absent when nothing changes. */
  doc?: ConfigDocument;
}

/** What mends a file: edit it, or restore its latest backup; as hints and worded for messages. */
export interface Mend {
  /** The edit, worded (the CLI's: `strata --app demo edit`). */
  edit: string;
  /** The restore of the latest backup, worded (`strata --app demo restore latest`). */
  restore: string;
  /** Both as data: `{ action: "edit", ... }`, `{ action: "restore", which: "latest", ... }`. */
  hints: Hint[];
}

/**
 * The value `set` writes and its type: with `raw`, a person's text converted
 * to the key's known type (or `--type`); otherwise a program's value, checked
 * against a binding type (the defaults') or `--type`. Refusals are
 * `StrataError`s (`type`, `usage`) that end in "nothing was written".
 */
export function typedValue(
  snap: Snapshot,
  keyPath: string[],
  value: unknown,
  options: SetOptions,
): { value: unknown; type?: ValueType } {
  // Measured before anything walks a program's value, and again once a person's text is converted.
  const fit = MAX_DEPTH - keyPath.length;
  const measure = (v: unknown) => {
    if (nestingDepth(v, fit) <= fit) return;
    throw new StrataError(
      "type",
      `${clipText(formatKey(keyPath))}: ${tooDeepReason(keyPath.length)}; nothing was written`,
    );
  };
  measure(value);
  const typed = typedUnchecked(snap, keyPath, value, options);
  measure(typed.value);
  const [wide] = wideIntegers(typed.value);
  if (wide !== undefined) {
    throw new StrataError(
      "type",
      `${clipText(formatKey([...keyPath, ...wide.path]))}: ${
        clipText(String(wide.value))
      } is beyond the 64-bit integer range (-2^63 to 2^63-1) that strata writes; nothing was ` +
        "written (to keep such a number, store it as a string: --type string)",
    );
  }
  return typed;
}

function typedUnchecked(
  snap: Snapshot,
  keyPath: string[],
  value: unknown,
  options: SetOptions,
): { value: unknown; type?: ValueType } {
  const keyText = clipText(formatKey(keyPath));
  if (value === undefined || value === null) {
    throw new StrataError(
      "usage",
      `set ${keyText}: a value is needed (to remove the key, use unset)`,
    );
  }
  if (value instanceof Date) value = TomlDateTime.fromDate(value);
  const known = knownType(snap, keyPath);
  if (options.type && known?.binding && known.type !== options.type) {
    throw new StrataError(
      "type",
      `--type ${options.type} does not fit ${keyText}: it is ${
        typeNames[known.type]
      } (from ${known.source}); nothing was written`,
    );
  }
  const type = options.type ?? known?.type;
  const from = () => options.type ? `--type ${options.type}` : known?.source;
  if (options.raw) {
    if (typeof value !== "string") {
      throw new StrataError("usage", `set ${keyText}: raw values are text`);
    }
    if (type === undefined) return { value };
    try {
      return { value: fromText(value, type), type };
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      // A type known only from a stored value may be overridden on purpose.
      const retype = options.type || known?.binding
        ? ""
        : `; to store it as text anyway: strata set --type string ${keyText} ${
          clipText(JSON.stringify(value))
        }`;
      throw new StrataError(
        "type",
        `${e.reason}: ${keyText} is ${typeNames[type]} (from ${from()}); nothing was written${
          e.hint ? ` (${e.hint})` : ""
        }${retype}`,
      );
    }
  }
  const checkAgainst = options.type ?? (known?.binding ? known.type : undefined);
  if (checkAgainst) {
    const why = mismatch(value, checkAgainst);
    if (why) {
      throw new StrataError(
        "type",
        `${why}: ${keyText} is ${typeNames[checkAgainst]} (from ${from()}); nothing was written`,
      );
    }
  }
  return { value, type };
}

/**
 * Parses a file's current text for an edit; a file that does not parse is
 * refused (never overwritten) with where it is broken and how to mend it.
 */
export function parseForWrite(
  current: string | undefined,
  format: FileFormat,
  file: string,
  mend: Mend,
): ConfigDocument {
  try {
    return parseDocument(current ?? "", format, file);
  } catch (e) {
    if (!(e instanceof StrataError) || e.code !== "parse") throw e;
    const err = e as StrataError & { line?: number; column?: number; reason?: string };
    const where = err.line !== undefined
      ? `${file}:${err.line}:${err.column}: ${clipText(err.reason ?? e.message)}`
      : clipText(e.message);
    throw new StrataError(
      "parse",
      `${where}; nothing was written (a file that does not parse is never overwritten). ` +
        `To mend it: ${mend.edit} (or go back to the last good version: ${mend.restore})`,
      { cause: e, hints: mend.hints },
    );
  }
}

/**
 * The document an edit starts from: the one parsed when the file was read,
 * when the text under the lock is still that text (see `FileRead.documentFor`).
 */
function startingDocument(
  current: string | undefined,
  startFrom: ((text: string) => ConfigDocument | undefined) | undefined,
): ConfigDocument | undefined {
  return current === undefined || startFrom === undefined ? undefined : startFrom(current);
}

/** Refuses an edit whose `onlyIf` refuses the key's current value (a `conflict`, with `current`). */
function refuseChanged(
  keyPath: string[],
  current: unknown,
  file: string,
  onlyIf: ((current: unknown) => boolean) | undefined,
): void {
  if (onlyIf === undefined || onlyIf(current)) return;
  throw Object.assign(
    new StrataError(
      "conflict",
      `${clipText(formatKey(keyPath))} in ${file} is not the value this change was made ` +
        `against (another writer changed it); nothing was written`,
    ),
    { current },
  );
}

/** Deep equality of two values as TOML sees them (date-times by their text). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isTable(a) && isTable(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k]));
  }
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (a && b && typeof a === "object" && typeof b === "object") {
    return String(a) === String(b) && a.constructor === b.constructor;
  }
  return false;
}

/** How an edit of one key reads the file under the lock. */
export interface KeyEditOptions {
  /** The file's format. */
  format: FileFormat;
  /** What mends the file, for the message when it does not parse. */
  mend: Mend;
  /** The document already parsed from the same text (see `FileRead.documentFor`). */
  startFrom?: (text: string) => ConfigDocument | undefined;
  /**
   * Called under the lock with the key's value in the file (undefined when
   * absent): false refuses the edit (a `conflict` StrataError carrying
   * `current`; nothing is written). A compare-and-set: the value checked is
   * the one the edit replaces, with no other writer in between.
   */
  onlyIf?: (current: unknown) => boolean;
}

/** What a set writes beyond the value: its type, the schema it must keep, the plaintext of a sealed value. */
export interface SetEditOptions extends KeyEditOptions {
  /** The type to write the value as (a whole `float` is written `3.0`). */
  type?: ValueType;
  /** The schema the layer must keep at the key. */
  schema?: LoadedSchema;
  /** The plaintext a sealed value was sealed from, checked against the schema. */
  plain?: { value: unknown };
}

/**
 * The edit that sets one key. It returns what it did: the current text
 * unchanged (nothing is written) when the file already holds the value (a
 * float key's value must also be written as a float), else the new text;
 * with the value it found either way. Refused (StrataError `schema`) when
 * the layer would break the schema at the key, and (`conflict`) when
 * `onlyIf` refuses the value found.
 */
export function setEdit(
  keyPath: string[],
  value: unknown,
  options: SetEditOptions,
): (current: string | undefined, file: string) => KeyEdit {
  const { type, format, mend, schema, plain } = options;
  return (current, file) => {
    const doc = startingDocument(current, options.startFrom) ??
      parseForWrite(current, format, file, mend);
    const old = doc.get(keyPath);
    refuseChanged(keyPath, old, file, options.onlyIf);
    const float = type === "float";
    if (old !== undefined && sameValue(old, value) && (!float || doc.kindOf(keyPath) === "float")) {
      return { text: current ?? "", changes: [], old };
    }
    const next = setValue(doc, keyPath, value, { float });
    // The layer as it would be: refused when it breaks the schema at this key.
    // A sealed value is checked as the plaintext it was sealed from (`plain`);
    // a sealed text given as it is cannot be checked before it is opened.
    if (schema && !isSealed(value)) refuseBrokenSet(schema, next.toValue(), keyPath);
    if (schema && isSealed(value) && plain) {
      refuseBrokenSet(schema, withLeaf(next.toValue(), keyPath, plain.value), keyPath);
    }
    return {
      text: next.toString(),
      changes: [{ key: formatKey(keyPath), old, new: value }],
      old,
      doc: next,
    };
  };
}

/** A copy of `values` with `value` at `keyPath` (the tables on the way copied, nothing else). */
function withLeaf(
  values: Record<string, unknown>,
  keyPath: string[],
  value: unknown,
): Record<string, unknown> {
  const top = { ...values };
  let node = top;
  for (const segment of keyPath.slice(0, -1)) {
    const child = { ...(node[segment] as Record<string, unknown>) };
    node[segment] = child;
    node = child;
  }
  node[keyPath[keyPath.length - 1]] = value;
  return top;
}

/**
 * The edit that removes one key: null (nothing written) when it is not
 * there; refused (`conflict`) when `onlyIf` refuses the value found.
 */
export function unsetEdit(
  keyPath: string[],
  options: KeyEditOptions,
): (current: string | undefined, file: string) => KeyEdit | null {
  return (current, file) => {
    if (current === undefined) {
      refuseChanged(keyPath, undefined, file, options.onlyIf);
      return null;
    }
    const doc = startingDocument(current, options.startFrom) ??
      parseForWrite(current, options.format, file, options.mend);
    const old = doc.get(keyPath);
    refuseChanged(keyPath, old, file, options.onlyIf);
    if (!doc.delete(keyPath)) return null;
    return {
      text: doc.toString(),
      changes: [{ key: formatKey(keyPath), old, new: undefined }],
      old,
      doc,
    };
  };
}
