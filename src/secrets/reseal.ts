/**
 * Re-sealing a layer file's sealed values for a new recipient (`key
 * rotate`): the new texts are worked out before the lock is taken (sealing
 * is asynchronous, an edit under the lock is not), then one edit under the
 * lock swaps each value that is still the one read; a value changed in
 * between refuses the edit, so nothing another writer did is lost.
 *
 * @module
 */

import { sealedLeaves } from "../codec/sealed_shape.ts";
import { sealValue } from "../codec/sealed.ts";
import type { SealedContext } from "../codec/sealed_context.ts";
import type { OpenedValue } from "../codec/sealed_plaintext.ts";
import { StrataError } from "../errors.ts";
import { formatKey } from "../keys.ts";
import { parseDocument } from "../layers/document.ts";
import type { EditResult } from "../layers/edits.ts";
import type { FileFormat } from "../platform/paths.ts";
import type { TomlValue } from "../toml/parse.ts";

/** One value to swap: at `path`, the sealed text `from` becomes `to`. */
export interface Reseal {
  /** The key's segments. */
  path: string[];
  /** The sealed text read. */
  from: string;
  /** The same value sealed for the new recipient. */
  to: string;
}

/**
 * The swaps that re-seal every sealed value of `text` (a layer file) for
 * `recipient`. `open` opens a value (with the old identity, or the new one
 * when an interrupted rotation already re-sealed it).
 */
export async function planReseal(
  text: string,
  format: FileFormat,
  file: string,
  where: { app: string; layer: string },
  open: (sealed: string, context: SealedContext) => Promise<OpenedValue>,
  recipient: string,
): Promise<Reseal[]> {
  const values = parseDocument(text, format, file).toValue();
  const out: Reseal[] = [];
  for (const [path, from] of sealedLeaves(values)) {
    const context = { app: where.app, layer: where.layer, key: path };
    const opened = await open(from, context);
    const to = await sealValue(opened.value as TomlValue, recipient, context, {
      float: opened.float,
    });
    out.push({ path, from, to });
  }
  return out;
}

/** The edit (run under the lock) that applies the swaps; refuses when a value changed meanwhile. */
export function resealEdit(
  swaps: readonly Reseal[],
  format: FileFormat,
): (current: string | undefined, file: string) => EditResult {
  return (current, file) => {
    const doc = parseDocument(current ?? "", format, file);
    const changes = [];
    for (const { path, from, to } of swaps) {
      const now = doc.get(path);
      if (now === to) continue;
      if (now !== from) {
        throw new StrataError(
          "lock",
          `${file}: ${
            formatKey(path)
          } changed while its value was being re-sealed; nothing was written. Run the ` +
            `rotation again`,
        );
      }
      doc.set(path, to, { float: false });
      changes.push({ key: formatKey(path), old: from, new: to, resealed: true });
    }
    return changes.length === 0 ? null : { text: doc.toString(), changes };
  };
}
