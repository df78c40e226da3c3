/**
 * The few path operations the read path needs (join, resolve, dirname,
 * isAbsolute), for POSIX and for Windows, without `node:path`: a
 * Bun-compiled binary pays for every static `node:` import at start-up.
 * The results match `node:path`'s for the paths strata builds (tests
 * compare them).
 *
 * @module
 */

/** The subset of `node:path` strata's read path uses. */
export interface PathApi {
  /** `/` or `\`. */
  sep: string;
  /** Joins and normalizes. */
  join(...parts: string[]): string;
  /** Resolves to an absolute, normalized path (relative to the process's working directory when needed). */
  resolve(...parts: string[]): string;
  /** The parent folder (the root is its own parent). */
  dirname(path: string): string;
  /** Whether a path is absolute. */
  isAbsolute(path: string): boolean;
}

function normalizeSegments(segments: string[], absolute: boolean): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (s === "" || s === ".") continue;
    if (s === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(s);
  }
  return out;
}

/** POSIX paths. */
export const posixPath: PathApi = {
  sep: "/",
  isAbsolute: (p) => p.startsWith("/"),
  join(...parts) {
    const joined = parts.filter((p) => p !== "").join("/");
    if (joined === "") return ".";
    const absolute = joined.startsWith("/");
    const segs = normalizeSegments(joined.split("/"), absolute);
    const body = segs.join("/");
    const trailing = joined.endsWith("/") && body !== "" ? "/" : "";
    return absolute ? "/" + body + trailing : (body || ".") + trailing;
  },
  resolve(...parts) {
    let acc = "";
    for (let i = parts.length - 1; i >= 0 && !acc.startsWith("/"); i--) {
      if (parts[i] !== "") acc = acc === "" ? parts[i] : `${parts[i]}/${acc}`;
    }
    if (!acc.startsWith("/")) acc = `${process.cwd()}/${acc}`;
    return "/" + normalizeSegments(acc.split("/"), true).join("/");
  },
  dirname(p) {
    if (p === "") return ".";
    const absolute = p.startsWith("/");
    const segs = p.split("/").filter((s) => s !== "");
    segs.pop();
    if (segs.length === 0) return absolute ? "/" : ".";
    return (absolute ? "/" : "") + segs.join("/");
  },
};

/** Splits a Windows path into its root (`C:\`, `\\server\share\`, `\`, `C:` or "") and the rest. */
function winRoot(p: string): { root: string; rest: string } {
  const unc = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)[\\/]*/.exec(p);
  if (unc) return { root: `\\\\${unc[1]}\\${unc[2]}\\`, rest: p.slice(unc[0].length) };
  const drive = /^([A-Za-z]:)([\\/]*)/.exec(p);
  if (drive) {
    return {
      root: drive[2] ? `${drive[1].toUpperCase()}\\` : drive[1].toUpperCase(),
      rest: p.slice(drive[0].length),
    };
  }
  if (/^[\\/]/.test(p)) return { root: "\\", rest: p.replace(/^[\\/]+/, "") };
  return { root: "", rest: p };
}

function winNormalize(p: string): string {
  const { root, rest } = winRoot(p);
  const absolute = root.endsWith("\\");
  const body = normalizeSegments(rest.split(/[\\/]/), absolute).join("\\");
  if (root === "") return body || ".";
  return root + body;
}

/** Windows paths (`\` separators; `/` accepted on input). */
export const win32Path: PathApi = {
  sep: "\\",
  isAbsolute: (p) => /^([A-Za-z]:)?[\\/]/.test(p),
  join(...parts) {
    const joined = parts.filter((p) => p !== "").join("\\");
    if (joined === "") return ".";
    const out = winNormalize(joined);
    return /[\\/]$/.test(joined) && !out.endsWith("\\") ? out + "\\" : out;
  },
  resolve(...parts) {
    let acc = "";
    for (let i = parts.length - 1; i >= 0; i--) {
      if (parts[i] === "") continue;
      acc = acc === "" ? parts[i] : `${parts[i]}\\${acc}`;
      if (/^([A-Za-z]:[\\/]|[\\/]{2})/.test(parts[i])) break;
    }
    if (!/^([A-Za-z]:[\\/]|[\\/]{2})/.test(acc)) acc = `${process.cwd()}\\${acc}`;
    return winNormalize(acc);
  },
  dirname(p) {
    const { root, rest } = winRoot(p);
    const segs = rest.split(/[\\/]/).filter((s) => s !== "");
    segs.pop();
    if (segs.length === 0) return root || ".";
    return root + segs.join("\\");
  },
};

/**
 * The path flavour of a platform: Windows paths on `win32`, POSIX elsewhere.
 *
 * @example
 * ```ts
 * import { pathFor } from "./path_api.ts";
 * console.assert(pathFor("win32").join("C:\\Users", "ann", "..", "bo") === "C:\\Users\\bo");
 * console.assert(pathFor("linux").dirname("/a/b/c") === "/a/b");
 * ```
 */
export function pathFor(platform: string): PathApi {
  return platform === "win32" ? win32Path : posixPath;
}
