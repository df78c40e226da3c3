/**
 * The size and the record of a reliability campaign: bounded by default (CI),
 * thousands of writes and hundreds of kills with `STRATA_SOAK=1`; a seeded
 * random source so that a failing run can be repeated; figure lines a run
 * prints (and appends to `STRATA_RELIABILITY_REPORT` when set).
 *
 * @module
 */

import * as fs from "node:fs";
import { mulberry32 } from "../../scripts/_mulberry32.ts";

/** True for a soak run (`STRATA_SOAK=1`). */
export const soak = process.env.STRATA_SOAK === "1";

/** Picks the bounded (CI) or the soak figure. */
export function sized<T>(bounded: T, soaked: T): T {
  return soak ? soaked : bounded;
}

/**
 * A soak figure shrunk by `STRATA_SOAK_SCALE` (between 0 and 1) to fit the
 * time a loaded machine has; at least 1. Unset: the figure itself.
 */
export function scaled(soaked: number): number {
  const scale = Number(process.env.STRATA_SOAK_SCALE ?? 1);
  return scale > 0 && scale < 1 ? Math.max(1, Math.round(soaked * scale)) : soaked;
}

/**
 * `STRATA_SOAK_SECONDS`: a soak campaign that runs by time stops taking new
 * steps after this many seconds (then settles and checks); undefined: none.
 */
export function soakBudgetMs(): number | undefined {
  const seconds = Number(process.env.STRATA_SOAK_SECONDS);
  return soak && seconds > 0 ? seconds * 1000 : undefined;
}

/** The stale-lock bound strata ships with (defaults/strata.toml `lock.stale`), ms. */
export const STALE_LOCK_MS = 30_000;

/** A deterministic random source (mulberry32); the seed is printed in every failure message. */
export interface Random {
  /** The seed this source started from. */
  seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [low, high]. */
  int(low: number, high: number): number;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

/** Creates a {@link Random}; the seed comes from `STRATA_SEED` or the clock. */
export function random(seed = Number(process.env.STRATA_SEED ?? Date.now() % 2 ** 31)): Random {
  const next = mulberry32(seed);
  return {
    seed,
    next,
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

/** Milliseconds since an arbitrary start (monotonic). */
export function now(): number {
  return performance.now();
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Prints a campaign's figure line (and appends it to `STRATA_RELIABILITY_REPORT` when set). */
export function report(name: string, figures: Record<string, unknown>): void {
  console.log(`[reliability] ${name}: ${JSON.stringify(figures)}`);
  const file = process.env.STRATA_RELIABILITY_REPORT;
  if (file) fs.appendFileSync(file, JSON.stringify({ test: name, soak, ...figures }) + "\n");
}
