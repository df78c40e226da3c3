/**
 * The shapes the page receives from the server (mirrors `../_state.ts`,
 * which the client does not import: it is compiled on its own).
 *
 * @module
 */

/** A value as shown. */
export interface Shown {
  text: string;
  input?: string;
  sealed?: boolean;
}

/** The schema's hints for a key. */
export interface Hint {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  description?: string;
  default?: unknown;
}

/** One key. */
export interface KeyView {
  key: string;
  path: string[];
  value?: Shown;
  layer?: string;
  origin?: string;
  type?: string;
  hint?: Hint;
  layers: Record<string, Shown | null | undefined>;
}

/** One journal line. */
export interface HistoryView {
  time: string;
  layer?: string;
  file: string;
  key: string;
  old?: Shown;
  new?: Shown;
  program: string;
}

/** One backup. */
export interface BackupView {
  layer: string;
  id: string;
  time: string;
  size: number;
  program?: string;
  valid: boolean;
  keysChanged?: number;
}

/** Everything the page shows. */
export interface State {
  title: string;
  keys: KeyView[];
  layers: { layer: string; file?: string; exists: boolean; writable: boolean; remote?: string }[];
  writable: string[];
  history: HistoryView[];
  backups: BackupView[];
  warnings: string[];
}

/** What a change did. */
export interface Outcome {
  ok: boolean;
  message: string;
  conflict?: boolean;
  current?: Shown | null;
  code?: string;
}

/** A change event: the keys whose effective value changed (one, with its new value, from a watch). */
export interface Change {
  keys: string[];
  layer?: string;
  origin?: string;
  new?: Shown;
}
