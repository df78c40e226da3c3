/**
 * Two small test-harness shims that let this Debian machine run binaries of
 * other platforms for the smoke tests. Neither ships with strata.
 *
 * - musl: Bun's `-musl` binaries need `libstdc++.so.6` built for musl (on
 *   Alpine: `apk add libstdc++`). Debian has none, so we link one from
 *   Debian's own libstdc++ PIC kit (`libstdc++-12-pic`, and its arm64
 *   cross twin) against musl, plus the few glibc-only symbols that kit
 *   refers to.
 * - wine: Debian 12's Wine 8.0 lacks `bcryptprimitives.dll`, from which Bun
 *   imports `ProcessPrng` (Windows 10+). A one-function DLL built with
 *   mingw-w64 forwards it to `RtlGenRandom`.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** How to link libstdc++.so.6 for musl on one CPU, with Debian's packages. */
interface MuslToolchain {
  /** Compiler driver that targets musl. */
  cc: string;
  /** Extra driver arguments (musl's specs for the cross compiler). */
  ccArgs: string[];
  /** Folder of GCC versions holding `libstdc++_pic.a`, `libgcc_eh.a`, `libgcc.a`. */
  gccRoot: string;
}

const MUSL_TOOLCHAINS: Record<"x64" | "arm64", MuslToolchain> = {
  // musl-tools' musl-gcc wraps the host GCC with musl's headers and libc.
  x64: { cc: "musl-gcc", ccArgs: [], gccRoot: "/usr/lib/gcc/x86_64-linux-gnu" },
  // The arm64 cross GCC with the specs file of musl-dev:arm64.
  arm64: {
    cc: "aarch64-linux-gnu-gcc",
    ccArgs: ["-specs=/usr/lib/aarch64-linux-musl/musl-gcc.specs"],
    gccRoot: "/usr/lib/gcc-cross/aarch64-linux-gnu",
  },
};

// glibc-only symbols referenced by libstdc++_pic.a and libgcc_eh.a, written
// for musl. Kept minimal and correct rather than stubbed where it matters
// (thread_local destructors, unwinder object lookup).
const MUSL_SHIM_C = `#define _GNU_SOURCE
#include <link.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

char __libc_single_threaded = 0; /* 0: always take the thread-safe paths */

size_t __strftime_l(char *s, size_t n, const char *f, const struct tm *tm, locale_t l) {
  return strftime_l(s, n, f, tm, l);
}

uint32_t arc4random(void) {
  uint32_t v = 0;
  while (getrandom(&v, sizeof v, 0) != sizeof v) {}
  return v;
}

struct dtor { void (*fn)(void *); void *obj; struct dtor *next; };
static pthread_key_t dtor_key;
static pthread_once_t dtor_once = PTHREAD_ONCE_INIT;
static void run_dtors(void *head) {
  for (struct dtor *d = head; d != NULL;) { struct dtor *n = d->next; d->fn(d->obj); free(d); d = n; }
}
static void make_key(void) { pthread_key_create(&dtor_key, run_dtors); }
int __cxa_thread_atexit_impl(void (*fn)(void *), void *obj, void *dso) {
  (void)dso;
  pthread_once(&dtor_once, make_key);
  struct dtor *d = malloc(sizeof *d);
  if (d == NULL) return -1;
  d->fn = fn; d->obj = obj; d->next = pthread_getspecific(dtor_key);
  pthread_setspecific(dtor_key, d);
  return 0;
}

struct dl_find_object {
  unsigned long long dlfo_flags;
  void *dlfo_map_start, *dlfo_map_end;
  void *dlfo_link_map;
  void *dlfo_eh_frame;
  unsigned long long reserved[7];
};
struct find_state { uintptr_t pc; struct dl_find_object *out; int found; };
static int find_cb(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct find_state *st = data;
  uintptr_t lo = UINTPTR_MAX, hi = 0; int hit = 0; void *eh = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *p = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + p->p_vaddr;
    if (p->p_type == PT_LOAD) {
      if (start < lo) lo = start;
      if (start + p->p_memsz > hi) hi = start + p->p_memsz;
      if (st->pc >= start && st->pc < start + p->p_memsz) hit = 1;
    } else if (p->p_type == PT_GNU_EH_FRAME) {
      eh = (void *)start;
    }
  }
  if (!hit) return 0;
  memset(st->out, 0, sizeof *st->out);
  st->out->dlfo_map_start = (void *)lo;
  st->out->dlfo_map_end = (void *)hi;
  st->out->dlfo_eh_frame = eh;
  st->found = 1;
  return 1;
}
int _dl_find_object(void *pc, struct dl_find_object *out) {
  struct find_state st = { (uintptr_t)pc, out, 0 };
  dl_iterate_phdr(find_cb, &st);
  return st.found ? 0 : -1;
}

/* Old-ABI std::istream::ignore(long) overloads referenced by the kit's
   compatibility objects; no current program calls them. */
void _ZNSi6ignoreEl(void) { abort(); }
void _ZNSt13basic_istreamIwSt11char_traitsIwEE6ignoreEl(void) { abort(); }

/* glibc's internal name for getauxval; libgcc on arm64 asks it for LSE atomics. */
#include <sys/auxv.h>
unsigned long __getauxval(unsigned long type) { return getauxval(type); }
`;

const PROCESS_PRNG_C = `#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
`;

/**
 * The GCC library folder (`<gccRoot>/<version>`) that has the libstdc++ PIC
 * kit for `arch`, or null when it is not installed or no compiler is.
 */
export function muslToolchainDir(arch: "x64" | "arm64"): string | null {
  const tc = MUSL_TOOLCHAINS[arch];
  if (!onPath(tc.cc) || !existsSync(tc.gccRoot)) return null;
  const versions = readdirSync(tc.gccRoot)
    .filter((v) => existsSync(join(tc.gccRoot, v, "libstdc++_pic.a")))
    .sort((a, b) => Number.parseInt(b) - Number.parseInt(a));
  return versions.length === 0 ? null : join(tc.gccRoot, versions[0]);
}

/**
 * Links `libstdc++.so.6` for musl on `arch` into `dir` (returned, for
 * `LD_LIBRARY_PATH`); throws with the compiler's output on failure.
 */
export function buildMuslLibstdcxx(arch: "x64" | "arm64", dir: string): string {
  const gcc = muslToolchainDir(arch);
  if (gcc === null) throw new Error(`no musl toolchain with libstdc++_pic.a for ${arch}`);
  const source = join(dir, "musl_shim.c");
  writeFileSync(source, MUSL_SHIM_C);
  const args = [
    ...MUSL_TOOLCHAINS[arch].ccArgs,
    "-O2",
    "-shared",
    "-fPIC",
    "-o",
    join(dir, "libstdc++.so.6"),
    "-Wl,-soname,libstdc++.so.6",
    "-Wl,--whole-archive",
    join(gcc, "libstdc++_pic.a"),
    "-Wl,--no-whole-archive",
    source,
    join(gcc, "libgcc_eh.a"),
    join(gcc, "libgcc.a"),
    "-lc",
  ];
  runTool(MUSL_TOOLCHAINS[arch].cc, args, `linking libstdc++.so.6 for musl on ${arch}`);
  return dir;
}

/** Whether Wine's own DLLs include `bcryptprimitives.dll` (Wine 9 and later do). */
export function wineHasProcessPrng(): boolean {
  return ["/usr/lib/x86_64-linux-gnu/wine/x86_64-windows", "/usr/lib/wine/x86_64-windows"]
    .some((d) => existsSync(join(d, "bcryptprimitives.dll")));
}

/** Builds `bcryptprimitives.dll` (ProcessPrng only) into `system32`; throws on failure. */
export function buildProcessPrngDll(system32: string, scratch: string): void {
  const source = join(scratch, "process_prng.c");
  writeFileSync(source, PROCESS_PRNG_C);
  const out = join(system32, "bcryptprimitives.dll");
  const args = ["-O2", "-shared", "-o", out, source, "-ladvapi32", "-Wl,--kill-at"];
  runTool("x86_64-w64-mingw32-gcc", args, "building bcryptprimitives.dll");
}

/** Whether an executable named `name` is on PATH. */
export function onPath(name: string): boolean {
  return findOnPath(name) !== null;
}

/** The full path of executable `name` on PATH, or null. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function runTool(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? (r.stderr + r.stdout).trim();
    throw new Error(`${what} failed: ${why}`);
  }
}
