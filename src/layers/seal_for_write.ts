/**
 * The secret side of a write: a value to be stored sealed is converted to
 * the key's type, then sealed for the recipient, bound to the app, the layer
 * written and the key; a plaintext value for a key that holds a secret is
 * refused, so a secret never reaches a file, a backup or the journal in
 * plaintext. The cryptography loads only when a value is sealed.
 *
 * @module
 */

import { isSealed } from "../codec/is_sealed.ts";
import { StrataError } from "../errors.ts";
import { type Hint, hintTarget, type HintWords, plainHintWords } from "../hints.ts";
import { formatKey, parseKey } from "../keys.ts";
import { clipText } from "../clip.ts";
import { isSecretPath } from "./secret_keys.ts";
import type { SetOptions, Snapshot } from "./types.ts";
import { typedValue } from "./edits.ts";
import type { ValueType } from "../codec/value.ts";
import type { TomlValue } from "../toml/parse.ts";

/** Where a secret is written, and how messages word what to do. */
export interface SecretPlace {
  /** The app values are bound to (`_file` in single-file mode). */
  app: string;
  /** The layer written. */
  layer: string;
  /** The one file of `--file` mode, for hints. */
  file?: string;
  /** How hints are worded (the configuration's `hintWords`). */
  words?: HintWords;
}

/** The hint that stores the key sealed, in its place, and its words. */
function setSecretHint(where: SecretPlace, key: string): { hint: Hint; words: string } {
  const target = where.app === "_file"
    ? hintTarget({ file: where.file ?? "FILE", layer: where.layer })
    : hintTarget({ app: where.app, layer: where.layer });
  const hint: Hint = { ...target, action: "set-secret", key };
  return { hint, words: (where.words ?? plainHintWords)(hint) };
}

/** What is written for a secret: the sealed text, and the typed plaintext it was sealed from. */
export interface SealedWrite {
  /** `enc:v1:...`. */
  sealed: string;
  /** The plaintext as typed before sealing (absent when a sealed text was given as it is). */
  typed?: { value: unknown; type?: ValueType };
}

/**
 * The sealed form of a write, or undefined for a plain value of a key that
 * is no secret.
 *
 * @throws {StrataError} code "usage" for a plaintext value of a secret key.
 */
export async function sealForWrite(
  snap: Snapshot,
  keyPath: string[],
  value: unknown,
  options: SetOptions,
  where: SecretPlace,
): Promise<SealedWrite | undefined> {
  // A text sealed elsewhere (by another writer with the recipient) is stored as it is.
  if (isSealed(value)) return { sealed: value };
  if (options.sealFor === undefined) {
    if (!isSecretPath(snap, keyPath)) return undefined;
    const key = clipText(formatKey(keyPath));
    const { hint, words } = setSecretHint(where, formatKey(keyPath));
    throw new StrataError(
      "usage",
      `${key} holds a secret (stored sealed, or marked "x-strata-secret" by the schema): its ` +
        `value is written sealed, never as plaintext; nothing was written. To fix: ` +
        `${words} (it reads the value from a prompt, stdin, --from-env or ` +
        `--from-file, never from the command line)`,
      { hints: [hint] },
    );
  }
  const typed = typedValue(snap, keyPath, value, options);
  const { sealValue } = await import("../codec/sealed.ts");
  const sealed = await sealValue(
    typed.value as TomlValue,
    options.sealFor,
    { app: where.app, layer: where.layer, key: keyPath },
    { float: typed.type === "float" },
  );
  return { sealed, typed };
}

/**
 * Passes an edit's result through, or refuses it (a `usage` StrataError)
 * when it would write a secret key (see {@link isSecretPath}, as the
 * configuration was before the edit) in plaintext: an `edit`, `undo` or
 * `restore` never puts a secret's plaintext into a file, a backup's
 * successor or the journal.
 */
export function refusePlaintextSecrets<T extends { changes: { key: string; new?: unknown }[] }>(
  snap: Snapshot,
  result: T | null,
  where: SecretPlace,
): T | null {
  for (const change of result?.changes ?? []) {
    if (change.new === undefined || isSealed(change.new)) continue;
    let keyPath: string[];
    try {
      keyPath = parseKey(change.key);
    } catch {
      continue;
    }
    if (!isSecretPath(snap, keyPath)) continue;
    const key = clipText(change.key);
    const { hint, words } = setSecretHint(where, change.key);
    throw new StrataError(
      "usage",
      `${key} holds a secret, and this change would write it in plaintext; nothing was ` +
        `written. To fix: keep its sealed value (or remove the key), and set it with ` +
        `${words}`,
      { hints: [hint] },
    );
  }
  return result;
}
