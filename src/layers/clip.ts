/**
 * Re-exports the message helpers of `src/clip.ts` for the layers' code.
 *
 * @module
 */

export { clipText, maxQuoted } from "../clip.ts";
