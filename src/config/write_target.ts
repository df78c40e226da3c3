/**
 * Which file a write goes to: the layer asked for (default `user`), or the
 * one file of single-file mode; refused, before anything is written, when
 * that layer has no place or its file may not be written.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import type { Mend } from "../layers/edits.ts";
import type { LayerName, Snapshot, WritableLayer } from "../layers/types.ts";
import { type Hint, type HintTarget, hintTarget, type HintWords } from "../hints.ts";
import { isFilePath } from "../runtime/fs.ts";

/** The file a write goes to. */
export interface WriteTarget {
  /** The file. */
  file: string;
  /** Whether it exists now. */
  exists: boolean;
  /** Its layer. */
  layer: LayerName;
}

/**
 * The target of a write to `layer` in `snap`; `single`: the file of
 * single-file mode, and whether its format is known (given, or by its name).
 */
export function writeTarget(
  snap: Snapshot,
  layer: WritableLayer | undefined,
  single?: { file: string; formatKnown: boolean },
): WriteTarget {
  if (single !== undefined) {
    if (layer !== undefined) {
      throw new StrataError(
        "usage",
        `--${layer} does not apply with --file: the change goes to ${single.file}`,
      );
    }
    if (!single.formatKnown) {
      throw new StrataError(
        "usage",
        `${single.file} is not named .toml or .json, so strata does not know which format to ` +
          `write; nothing was written. To fix: name the format, --format toml or --format json`,
      );
    }
    return { file: single.file, exists: isFilePath(single.file), layer: "file" };
  }
  const name = layer ?? "user";
  const found = snap.layers.find((l) => l.name === name);
  if (!found?.located && found?.error) throw found.error;
  if (!found?.located) throw new StrataError("usage", `the ${name} layer cannot be written`);
  const refused = found.located.refused;
  if (refused) {
    throw new StrataError(
      "io",
      `${refused.problem}; nothing was written. To fix: ${refused.mend}`,
    );
  }
  return { file: found.located.file, exists: found.status !== "no-file", layer: name };
}

/** What mends a layer's file: edit it, or restore its latest backup; as hints and worded. */
export function mendOf(words: HintWords, target: HintTarget): Mend {
  const about = hintTarget(target);
  const edit: Hint = { ...about, action: "edit" };
  const restore: Hint = { ...about, action: "restore", which: "latest" };
  // Worded when a message needs them: every read of a writable file asks
  // for its mend, and nearly every read needs none.
  return {
    get edit() {
      return words(edit);
    },
    get restore() {
      return words(restore);
    },
    hints: [edit, restore],
  };
}
