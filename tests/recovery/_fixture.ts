// The config tests' sandbox (XDG folders and HOME in a temp dir), with a
// Config opened on it as program "test" (and a schema given as a value when asked),
// wording hints as the CLI does (`strata --app demo restore latest`), as people see them.
import type { Config, OpenOptions } from "../../src/config/config.ts";
import { cliHintWords } from "../../src/cli/hint_words.ts";
import { librarySandbox } from "../_support/mod.ts";
import type { Schema } from "../../src/schema/validate.ts";

export interface Home {
  dir: string;
  env: Record<string, string>;
  userFile: string;
  projectDir: string;
  stateDir: string;
  write(file: string, text: string): string;
  read(file: string): string;
  open(options?: Partial<OpenOptions>, schema?: Schema): Config;
  cleanup(): void;
}

export function makeHome(app = "demo"): Home {
  const box = librarySandbox(app);
  return {
    ...box,
    projectDir: box.project,
    open: (options = {}, schema) =>
      box.open({
        program: "test",
        hintWords: cliHintWords,
        ...(schema ? { schema: schema as Record<string, unknown> } : {}),
        ...options,
      }),
  };
}
