/**
 * Table headers: `[a.b]` and `[[a.b]]`, and the rules for which table a
 * header may open or extend.
 *
 * @module
 */

import {
  AOT,
  DOTTED,
  EXPLICIT,
  hasOwn,
  IMPLICIT,
  keyText,
  type ParserState,
  setKey,
  shownKey,
} from "./_parser_state.ts";
import { parseKeyPath } from "./_parse_keys.ts";
import { skipWs } from "./_parse_trivia.ts";
import type { TomlPath, TomlTable } from "./types.ts";

/**
 * At `[`: a `[table]` or `[[array]]` header. Opens (or, for `[[x]]`,
 * appends) the table that the following statements go to.
 */
export function parseHeader(s: ParserState, root: TomlTable): void {
  const src = s.src;
  const start = s.pos;
  s.pos++;
  const isArray = src.charCodeAt(s.pos) === 91;
  if (isArray) s.pos++;
  skipWs(s);
  const keys = parseKeyPath(s);
  // Only error messages need the header as text, so it is built on demand.
  const shown = (): string => isArray ? `[[${keyText(keys)}]]` : `[${keyText(keys)}]`;
  if (src.charCodeAt(s.pos) !== 93) {
    s.fail(
      `expected "${isArray ? "]]" : "]"}" to close the table header ${shown()}, found ${s.found()}`,
    );
  }
  s.pos++;
  if (isArray) {
    if (src.charCodeAt(s.pos) !== 93) {
      s.fail(`expected "]]" to close the table header ${shown()}, found ${s.found()}`);
    }
    s.pos++;
  }
  const end = s.pos;
  const track = s.track;
  const path: TomlPath = [];
  let t = root;
  const last = keys.length - 1;
  for (let i = 0; i < last; i++) {
    const k = keys[i];
    let child = t[k];
    if (child === undefined || !hasOwn.call(t, k)) {
      const created: TomlTable = {};
      s.meta.set(created, IMPLICIT);
      setKey(t, k, created);
      child = created;
      if (track) {
        path.push(k);
        s.record(path, start);
      }
    } else {
      const m = s.meta.get(child as object);
      if (track) path.push(k);
      if (Array.isArray(child)) {
        if (m !== AOT) {
          s.conflict(
            `cannot open table ${shown()}: ${
              shownKey(keys.slice(0, i + 1))
            } is an array value (line {line}), not an array of tables`,
            start,
            path,
          );
        }
        if (track) path.push(child.length - 1);
        child = child[child.length - 1];
      } else if (m === undefined) {
        s.conflict(
          `cannot open table ${shown()}: ${shownKey(keys.slice(0, i + 1))} is already ${
            s.typeOf(child, path)
          } (line {line})`,
          start,
          path,
        );
      }
    }
    t = child as TomlTable;
  }
  const k = keys[last];
  const existing = t[k];
  const exists = existing !== undefined && hasOwn.call(t, k);
  if (track) path.push(k);
  if (isArray) {
    let arr: TomlTable[];
    if (!exists) {
      arr = [];
      s.meta.set(arr, AOT);
      setKey(t, k, arr);
      if (track) s.record(path, start);
    } else if (Array.isArray(existing) && s.meta.get(existing) === AOT) {
      arr = existing as TomlTable[];
    } else {
      return s.conflict(
        Array.isArray(existing)
          ? `cannot append to ${
            shownKey(keys)
          } with ${shown()}: it is a static array (line {line}), not an array of tables`
          : `cannot open ${shown()}: ${shownKey(keys)} is already ${
            s.meta.get(existing as object) === undefined ? s.typeOf(existing, path) : "a table"
          } (line {line})`,
        start,
        path,
      );
    }
    const element: TomlTable = {};
    s.meta.set(element, EXPLICIT);
    arr.push(element);
    if (track) {
      path.push(arr.length - 1);
      s.record(path, start);
    }
    t = element;
  } else {
    if (!exists) {
      const created: TomlTable = {};
      s.meta.set(created, EXPLICIT);
      setKey(t, k, created);
      t = created;
      if (track) s.record(path, start);
    } else {
      const m = s.meta.get(existing as object);
      if (m === IMPLICIT) {
        s.meta.set(existing as object, EXPLICIT);
        t = existing as TomlTable;
      } else if (m === EXPLICIT) {
        return s.conflict(
          `table ${shown()} is defined twice (first on line {line})`,
          start,
          path,
        );
      } else if (m === DOTTED) {
        return s.conflict(
          `table ${shown()} was already created by dotted keys (line {line}); add its keys there`,
          start,
          path,
        );
      } else if (m === AOT) {
        return s.conflict(
          `${
            shownKey(keys)
          } is an array of tables (line {line}); write [${shown()}] to add an element`,
          start,
          path,
        );
      } else {
        return s.conflict(
          `cannot open table ${shown()}: ${shownKey(keys)} is already ${
            s.typeOf(existing, path)
          } (line {line})`,
          start,
          path,
        );
      }
    }
  }
  s.table = t;
  s.sectionDepth = keys.length;
  if (track) {
    s.tablePath = path;
    s.events?.header?.({ path: path.slice(), isArray, start, end, line: s.lineAt(start) });
  }
}
