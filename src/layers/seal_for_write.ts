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
import { formatKey, parseKey } from "../keys.ts";
import { clipText } from "../clip.ts";
import { isSecretPath } from "./secret_keys.ts";
import type { SetOptions, Snapshot } from "./types.ts";
import { typedValue } from "./edits.ts";
import type { ValueType } from "../values.ts";
import type { TomlValue } from "../toml/parse.ts";

/** The command that sets the key sealed, in its place (the advice of the refusal). */
function setSecretCommand(where: { app: string; layer: string }, key: string): string {
  const app = where.app === "_file"
    ? "--file FILE"
    : `--app ${/^[A-Za-z0-9_.-]+$/.test(where.app) ? where.app : `'${where.app}'`}`;
  const layer = where.layer === "project" || where.layer === "system" ? ` --${where.layer}` : "";
  const shown = /^[A-Za-z0-9_.-]+$/.test(key) ? key : `'${key.replaceAll("'", `'\\''`)}'`;
  return `strata ${app} set --secret${layer} ${shown}`;
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
  where: { app: string; layer: string },
): Promise<SealedWrite | undefined> {
  // A text sealed elsewhere (by another writer with the recipient) is stored as it is.
  if (isSealed(value)) return { sealed: value };
  if (options.sealFor === undefined) {
    if (!isSecretPath(snap, keyPath)) return undefined;
    const key = clipText(formatKey(keyPath));
    throw new StrataError(
      "usage",
      `${key} holds a secret (stored sealed, or marked "x-strata-secret" by the schema): its ` +
        `value is written sealed, never as plaintext; nothing was written. To fix: ` +
        `${setSecretCommand(where, key)} (it reads the value from a prompt, stdin, --from-env or ` +
        `--from-file, never from the command line)`,
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
  where: { app: string; layer: string },
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
    throw new StrataError(
      "usage",
      `${key} holds a secret, and this change would write it in plaintext; nothing was ` +
        `written. To fix: keep its sealed value (or remove the key), and set it with ` +
        `${setSecretCommand(where, key)}`,
    );
  }
  return result;
}
