/**
 * Finds the real file behind a configuration path, following a chain of
 * symbolic links, so that writes go through a link (stow, chezmoi,
 * Kubernetes ConfigMaps) instead of replacing it.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { StrataError } from "../errors.ts";
import { errnoOf, ioError } from "./_io_error.ts";

/** The most links followed before calling it a loop (Linux's own limit is 40). */
const maxLinks = 40;

/**
 * Returns the absolute path of the file that `target` names, after following
 * every symbolic link of its last component (links in the folders above are
 * left as they are: they do not change where the file's siblings live).
 *
 * A dangling link resolves to the missing file it points at (writing creates
 * it); a file that does not exist resolves to itself. A loop, or a chain
 * longer than 40 links, is a `StrataError` with code `io`.
 *
 * A link owned by another user (neither the current user nor root) is
 * never followed: it is a `StrataError` with code `io`. Links are resolved
 * here, by hand, so the kernel's `fs.protected_symlinks` (which stops a
 * process from following another user's link in a shared sticky folder
 * such as /tmp) does not apply; this rule takes its place, stricter: a
 * link planted by someone else never decides where strata writes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTarget } from "./resolve_target.ts";
 * const real = resolveTarget("/tmp/no-such-strata-file.toml");
 * assert.equal(real, "/tmp/no-such-strata-file.toml");
 * ```
 */
export function resolveTarget(
  target: string,
  uid: number | undefined = process.getuid?.(),
): string {
  let current = path.resolve(target);
  const seen = new Set<string>();
  for (let hops = 0; hops <= maxLinks; hops++) {
    let link: string;
    try {
      link = fs.readlinkSync(current);
    } catch (error) {
      const code = errnoOf(error);
      // Not a link (EINVAL; UNKNOWN on some Windows file systems) or not there: done.
      if (code === "EINVAL" || code === "ENOENT" || code === "UNKNOWN") return current;
      throw ioError(`cannot read ${current}`, current, error);
    }
    if (uid !== undefined) refuseForeignLink(current, uid);
    if (seen.has(current)) break;
    seen.add(current);
    current = path.resolve(path.dirname(current), link);
  }
  throw new StrataError(
    "io",
    `${
      path.resolve(target)
    } is a symbolic link loop (or a chain of more than ${maxLinks} links); ` +
      `nothing was written. To fix: point the link at a real file (ls -l ${path.resolve(target)}).`,
  );
}

/** Throws when the link at `file` belongs to a user other than `uid` and root. */
function refuseForeignLink(file: string, uid: number): void {
  let owner: number;
  try {
    owner = fs.lstatSync(file).uid;
  } catch (error) {
    throw ioError(`cannot read ${file}`, file, error);
  }
  if (owner === uid || owner === 0) return;
  throw new StrataError(
    "io",
    `${file} is a symbolic link owned by another user (uid ${owner}); strata never writes ` +
      `through another user's link, so nothing was written. To fix: look at where it points ` +
      `(ls -l ${file}), remove it if you did not make it (rm ${file}), then retry`,
  );
}
