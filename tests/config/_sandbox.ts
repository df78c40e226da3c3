// Moved to tests/_support/library.ts; this path stays as a re-export for tests not yet switched.
export { type LibrarySandbox as Sandbox, librarySandbox as sandbox } from "../_support/mod.ts";
