/**
 * The changes a page may ask for, each done through the library exactly as
 * the CLI does it (`Config.set`, `Config.unset`, `undoChanges`,
 * `restoreBackup`): locked, re-read, backed up, journaled. A set or unset
 * names the value the person saw; when the layer holds another value now,
 * the change is refused as a conflict and nothing is written: checked under
 * the write's lock (`onlyIf`), so no writer can land between the check and
 * the write.
 *
 * @module
 */

import {
  type Config,
  StrataError,
  type ValueType,
  valueTypes,
  type WritableLayer,
} from "../mod.ts";
import { layerFile, restoreBackup, undoChanges } from "../recovery/mod.ts";
import { layerValue } from "./_state.ts";
import { type ShownValue, showValue } from "./_values.ts";

/** What a page sends to change something. */
export type Action =
  | {
    op: "set";
    key: string;
    value: string;
    layer: string;
    type?: string;
    expected?: string | null;
  }
  | { op: "unset"; key: string; layer: string; expected?: string | null }
  | { op: "undo"; layer: string }
  | { op: "restore"; layer: string; id: string };

/** What a change did, for the page. */
export type Outcome =
  | { ok: true; message: string }
  | {
    ok: false;
    conflict: true;
    key: string;
    layer: string;
    current: ShownValue | null;
    message: string;
  }
  | { ok: false; code: string; message: string };

const LAYERS: readonly string[] = ["project", "user", "system", "file"];

/** Does one change; a person's mistake comes back as an outcome, a bug is thrown. */
export async function runAction(config: Config, input: unknown): Promise<Outcome> {
  let action: Action | undefined;
  try {
    action = checkAction(input, config.app);
    const layer = action.layer === "file" ? undefined : action.layer as WritableLayer;
    if (action.op === "set" && layerValue(config, action.key, action.layer)?.sealed) {
      return {
        ok: false,
        code: "usage",
        message: `${action.key} holds a sealed secret in ${action.layer}; the page does not ` +
          `change sealed values (a secret typed here would be stored as plain text); nothing ` +
          `was written`,
      };
    }
    const onlyIf = action.op === "set" || action.op === "unset"
      ? sameAsShown(action.expected)
      : undefined;
    switch (action.op) {
      case "set": {
        const type = action.type as ValueType | undefined;
        const r = await config.set(action.key, action.value, { layer, type, raw: true, onlyIf });
        const shown = showValue(r.new).text;
        return {
          ok: true,
          message: `${action.key} = ${shown} (${action.layer}${r.changed ? "" : ", unchanged"})`,
        };
      }
      case "unset": {
        const r = await config.unset(action.key, { layer, onlyIf });
        return {
          ok: true,
          message: r.removed
            ? `${action.key} removed from ${action.layer}`
            : `${action.key} was not set in ${action.layer}`,
        };
      }
      case "undo": {
        const r = await undoChanges(config, layerFile(config, layer), 1);
        return {
          ok: true,
          message: `undid ${r.keys.map((k) => k.key).join(", ") || "a change"} in ${action.layer}`,
        };
      }
      case "restore": {
        const r = await restoreBackup(config, layerFile(config, layer), action.id);
        return {
          ok: true,
          message: r.changed
            ? `restored ${action.layer} from backup ${r.restored.id}`
            : `${action.layer} already holds backup ${r.restored.id}`,
        };
      }
    }
  } catch (e) {
    // The layer holds another value than the person saw (`onlyIf` refused it under the lock).
    if (
      e instanceof StrataError && e.code === "conflict" && "current" in e &&
      (action?.op === "set" || action?.op === "unset")
    ) {
      const current = (e as { current: unknown }).current;
      return conflictWith(
        action.key,
        action.layer,
        current === undefined ? null : showValue(current),
      );
    }
    if (e instanceof StrataError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

/** The check of the value the person saw, made under the lock: undefined when they saw none. */
function sameAsShown(
  expected: string | null | undefined,
): ((current: unknown) => boolean) | undefined {
  if (expected === undefined) return undefined;
  return (current) => (current === undefined ? null : showValue(current).text) === expected;
}

/** The conflict a page shows: the layer holds `current` now, not what the person saw. */
function conflictWith(key: string, layer: string, current: ShownValue | null): Outcome {
  const now = current === null ? "removed it" : `set it to ${current.text}`;
  return {
    ok: false,
    conflict: true,
    key,
    layer,
    current,
    message: `${key} changed in ${layer} while you were editing: another writer ${now}; ` +
      `nothing was written. Keep your value to write it over theirs, or take theirs.`,
  };
}

function checkAction(input: unknown, app: string | undefined): Action {
  const a = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const text = (name: string) => {
    if (typeof a[name] !== "string") throw bad(`"${name}" must be a string`);
    return a[name] as string;
  };
  const layer = text("layer");
  if (layer === "shared") {
    // Its values live on the server: a write there is a network compare-and-set
    // that may queue or conflict, which the CLI reports and settles.
    throw bad(
      "the shared layer is read-only in the page (its values live on the server); change a " +
        `value with strata${app === undefined ? "" : ` --app ${app}`} set --shared KEY VALUE, ` +
        "and the page shows it after the next sync",
    );
  }
  if (!LAYERS.includes(layer)) throw bad(`unknown layer "${layer}"`);
  const expected = a.expected === null
    ? null
    : a.expected === undefined
    ? undefined
    : text("expected");
  switch (a.op) {
    case "set": {
      const type = a.type === undefined || a.type === "" ? undefined : text("type");
      if (type !== undefined && !valueTypes.includes(type as ValueType)) {
        throw bad(`unknown type "${type}"`);
      }
      return { op: "set", key: text("key"), value: text("value"), layer, type, expected };
    }
    case "unset":
      return { op: "unset", key: text("key"), layer, expected };
    case "undo":
      return { op: "undo", layer };
    case "restore":
      return { op: "restore", layer, id: text("id") };
  }
  throw bad(`unknown op "${String(a.op)}"`);
}

function bad(message: string): StrataError {
  return new StrataError("usage", `bad request: ${message}`);
}
