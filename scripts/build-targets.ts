/**
 * Builds strata's release binaries from one command, on any one machine:
 *
 *     bun scripts/build-targets.ts                       # all nine targets
 *     bun scripts/build-targets.ts --native              # this machine's only (CI)
 *     bun scripts/build-targets.ts --target linux-arm64 darwin-arm64
 *     bun scripts/build-targets.ts --install-emulators   # apt-get qemu, musl, wine first
 *     bun scripts/build-targets.ts --native --measure-flags
 *
 * Output: `dist/strata-<os>-<arch>[-musl|-baseline][.exe]` and
 * `dist/SHA256SUMS`, then a table of every binary: size, how it was checked
 * (run natively / under an emulator, or inspected), result. Exits non-zero
 * when a build or any check fails. See docs/release.md.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parseBuildArgs, USAGE } from "./_build_args.ts";
import { formatChecksums, parseChecksums, sha256File } from "./_build_checksums.ts";
import { bundleText, compile, gitCommit, RELEASE_FLAGS, REPO_ROOT } from "./_build_compile.ts";
import { checkSignature, signAdHoc } from "./_build_macho_sign.ts";
import { measureFlags, measureTable } from "./_build_measure.ts";
import { hostTarget, installEmulators, planRun, stopWine } from "./_build_runners.ts";
import { findOnPath } from "./_build_shims.ts";
import { scratchRootCheck } from "./_build_scratch_root.ts";
import { builtinDefaultProbe, inspectBinary, makeScratch, smokeTest } from "./_build_smoke.ts";
import { formatSize, renderTable } from "./_build_table.ts";
import { fileNameOf, selectTargets, type Target, TARGETS } from "./_build_targets.ts";
import { formatVersion, VERSION } from "../src/version.ts";

const log = (line: string) => console.log(line);

function main(argv: string[]): number {
  const options = parseBuildArgs(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const host = hostTarget();
  const targets = options.native
    ? (host === null ? fail("this machine has no strata target") : [host])
    : options.targets.length > 0
    ? selectTargets(options.targets)
    : [...TARGETS];
  if (options.installEmulators) installEmulators(log);

  const outDir = isAbsolute(options.outDir) ? options.outDir : join(REPO_ROOT, options.outDir);
  const entry = options.entry === null ? join(REPO_ROOT, "main.ts") : resolve(options.entry);
  // Earlier release files go (a stale binary must not sit beside SHA256SUMS);
  // anything else in the folder is not ours to delete.
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) {
    if (/^strata-/.test(name) || name === "SHA256SUMS") rmSync(join(outDir, name), { force: true });
  }
  const commit = gitCommit(REPO_ROOT);
  const scratch = makeScratch();
  try {
    log(
      `strata ${VERSION} (commit ${commit ?? "unknown"}), flags ${describeFlags()}, into ${outDir}`,
    );
    // The bundle text is taken right after each compile, so an edit to the
    // source during a long run cannot make the embedded-program check lie.
    const bundles = new Map(
      targets.map((t) => [t.name, buildOne(t, entry, outDir, commit, scratch)]),
    );
    const sums = writeChecksums(outDir, targets);
    if (options.skipChecks) return sums ? 0 : 1;
    const rows = targets.map((t) =>
      checkOne(t, bundles.get(t.name)!, outDir, commit, host, scratch)
    );
    log("");
    log(renderTable(["target", "size", "how checked", "result"], rows.map((r) => r.cells)));
    for (const r of rows) log(`- ${r.cells[0]}: ${r.detail}`);
    const failed = rows.filter((r) => !r.ok).map((r) => r.cells[0]);
    if (options.measureFlags) runMeasurement(entry, scratch, commit, host);
    if (failed.length > 0 || !sums) {
      log(`FAILED: ${failed.length > 0 ? failed.join(", ") : "SHA256SUMS does not verify"}`);
      return 1;
    }
    log(`ok: ${targets.length} binar${targets.length === 1 ? "y" : "ies"} built and checked`);
    return 0;
  } finally {
    stopWine(scratch);
    rmSync(scratch, { recursive: true, force: true });
  }
}

function defines(target: Target, commit: string | null): Record<string, string> {
  return { ...(commit === null ? {} : { STRATA_COMMIT: commit }), STRATA_TARGET: target.name };
}

function describeFlags(): string {
  const on = Object.entries(RELEASE_FLAGS).filter(([, v]) => v && v !== 1).map(([k, v]) =>
    k === "jitPolicy" ? `--compile-jit-policy=${v}` : `--${k}`
  );
  return on.length === 0 ? "(none)" : on.join(" ");
}

/** Compiles one target; returns the program's bundle text, for the embedded-program check. */
function buildOne(
  t: Target,
  entry: string,
  outDir: string,
  commit: string | null,
  scratch: string,
): string {
  const started = performance.now();
  compile({
    entry,
    outfile: join(outDir, fileNameOf(t)),
    bunTarget: t.bunTarget,
    flags: RELEASE_FLAGS,
    defines: defines(t, commit),
  });
  const out = join(outDir, fileNameOf(t));
  const resigned = t.os === "darwin" ? ensureSignature(out) : "";
  const ms = Math.round(performance.now() - started);
  log(`built ${fileNameOf(t)} (${formatSize(statSync(out).size)}, ${ms} ms)${resigned}`);
  return bundleText({
    entry,
    outfile: join(scratch, `bundle-${t.name}.js`),
    flags: RELEASE_FLAGS,
    defines: defines(t, commit),
  });
}

/**
 * macOS on Apple silicon refuses a binary whose signature does not match;
 * Bun 1.4.5 leaves darwin-x64's invalid, so sign it ad hoc here.
 */
function ensureSignature(path: string): string {
  const bytes = readFileSync(path);
  const before = checkSignature(bytes);
  if (before.valid) return "";
  const signed = signAdHoc(bytes, "strata");
  const after = checkSignature(signed);
  if (!after.valid) throw new Error(`${path}: ad-hoc signing failed: ${after.detail}`);
  writeFileSync(path, signed);
  return `; re-signed ad hoc (Bun's signature: ${before.detail})`;
}

/** Writes SHA256SUMS, then verifies it: by re-reading it here, and with `sha256sum -c` when present. */
function writeChecksums(outDir: string, targets: Target[]): boolean {
  const entries = targets.map((t) => ({
    file: fileNameOf(t),
    sha256: sha256File(join(outDir, fileNameOf(t))),
  }));
  const path = join(outDir, "SHA256SUMS");
  writeFileSync(path, formatChecksums(entries));
  const mismatched = parseChecksums(readFileSync(path, "utf8"))
    .filter((e) => sha256File(join(outDir, e.file)) !== e.sha256);
  if (mismatched.length > 0) {
    log(`SHA256SUMS: mismatch for ${mismatched.map((e) => e.file).join(", ")}`);
    return false;
  }
  const tool = findOnPath("sha256sum");
  if (tool === null) {
    log("SHA256SUMS written and re-verified (sha256sum not installed for an independent check)");
    return true;
  }
  const r = spawnSync(tool, ["-c", "SHA256SUMS"], { cwd: outDir, encoding: "utf8" });
  log(
    `SHA256SUMS: sha256sum -c ${
      r.status === 0 ? `ok (${entries.length} files)` : `FAILED\n${r.stdout}${r.stderr}`
    }`,
  );
  return r.status === 0;
}

interface Row {
  ok: boolean;
  /** target, size, how checked, result */
  cells: string[];
  /** Everything that was checked, or the whole failure, printed under the table. */
  detail: string;
}

function checkOne(
  t: Target,
  bundle: string,
  outDir: string,
  commit: string | null,
  host: Target | null,
  scratch: string,
): Row {
  const binary = join(outDir, fileNameOf(t));
  const size = formatSize(statSync(binary).size);
  const inspected = inspectBinary(binary, t, bundle);
  const row = (ok: boolean, how: string, result: string, detail: string): Row => ({
    ok,
    cells: [t.name, size, how, ok ? result : `FAIL: ${short(detail)}`],
    detail,
  });
  if (!inspected.ok) return row(false, "inspected", "", inspected.detail);
  const plan = planRun(t, host, scratch);
  if ("inspectOnly" in plan) {
    return row(true, `inspected only: ${plan.inspectOnly}`, "ok", `inspected: ${inspected.detail}`);
  }
  if ("failed" in plan) return row(false, "could not set up a runner", "", plan.failed);
  const started = performance.now();
  const expected = formatVersion({ version: VERSION, commit, target: t.name });
  const smoke = smokeTest(binary, plan.runner, expected, builtinProbe());
  // This machine's Linux binary also runs in a scratch root (a container without a distribution).
  const wantedScratch = smoke.ok && t.name === host?.name && t.os === "linux";
  const scratchRoot = wantedScratch ? scratchRootCheck(binary, expected) : null;
  const outcome = scratchRoot !== null && !scratchRoot.ok ? scratchRoot : smoke;
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const scratchNote = scratchRoot?.ok
    ? " + scratch root"
    : wantedScratch
    ? " (scratch-root run skipped: needs root, unshare, mount, chroot)"
    : "";
  log(`checked ${t.name}: ${outcome.ok ? "ok" : `FAIL: ${outcome.detail}`}`);
  const ran = `ran: ${smoke.detail}${scratchRoot?.ok ? `; ${scratchRoot.detail}` : ""}`;
  const detail = outcome.ok ? `${ran}; inspected: ${inspected.detail}` : outcome.detail;
  return row(outcome.ok, `run: ${plan.runner.how}${scratchNote}`, `ok (${secs} s)`, detail);
}

function builtinProbe(): { key: string; value: string } | null {
  const file = join(REPO_ROOT, "defaults", "strata.toml");
  return existsSync(file) ? builtinDefaultProbe(readFileSync(file, "utf8")) : null;
}

function short(text: string): string {
  const line = text.split("\n")[0];
  return line.length > 90 ? `${line.slice(0, 89)}…` : line;
}

function runMeasurement(
  entry: string,
  scratch: string,
  commit: string | null,
  host: Target | null,
): void {
  if (host === null) return;
  log("\nmeasuring build flags on the native binary (this takes a minute)");
  const { variants, tool } = measureFlags(entry, scratch, defines(host, commit), log);
  // Other work on the machine skews every figure; say how busy it was.
  const load = loadavg()[0].toFixed(1);
  log(`\nstart-up and size, ${host.name}, ${tool}, load average ${load} on ${cpus().length} CPUs:`);
  log(measureTable(variants));
}

function fail(message: string): never {
  throw new Error(message);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`build-targets: ${(e as Error).message}`);
  process.exitCode = 2;
}
