// Moved to tests/_support/; this path stays as a re-export for tests not yet switched.
export {
  listFiles,
  makeSandbox,
  type Run,
  type RunOptions,
  type Sandbox,
} from "../_support/mod.ts";
