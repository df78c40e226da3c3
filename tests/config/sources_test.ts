// The file sources list their versions (the backups) and their history (the journal), through the
// store, as data.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { LayerFileReader } from "../../src/config/file_reader.ts";
import { layerSources } from "../../src/config/sources.ts";
import { parseOverrides } from "../../src/layers/overrides.ts";
import { formatOf } from "../../src/platform/paths.ts";
import { librarySandbox } from "../_support/mod.ts";

test("a file source lists its backups and its journal; a layer with no file has none", async () => {
  const box = librarySandbox();
  try {
    const config = box.open({ program: "test" });
    await config.set("a", 1);
    await config.set("a", 2);
    const reader = new LayerFileReader({
      formatOf,
      stateDir: () => box.stateDir,
      mend: () => ({ edit: "", restore: "", hints: [] }),
      warn: () => {},
      strict: false,
      editing: () => false,
    });
    const sources = layerSources({
      ctx: { platform: "linux", env: box.env, cwd: box.project, home: box.env.HOME },
      app: "demo",
      overrides: parseOverrides([]),
      reader,
    });
    const user = sources.find((s) => s.name === "user")!;
    const versions = await user.versions!(box.stateDir);
    assert.equal(versions.length, 1);
    assert.match(versions[0].id, /^\d{8}T\d{6}\.\d{3}Z-\d+$/);
    assert.equal(fs.readFileSync(versions[0].path, "utf8"), "a = 1\n");
    const history = await user.history!(box.stateDir);
    assert.deepEqual(
      history.map((c) => ({ key: c.key, old: c.old, new: c.new, program: c.program })),
      [
        { key: "a", old: undefined, new: 1, program: "test" },
        { key: "a", old: 1, new: 2, program: "test" },
      ],
    );
    const project = sources.find((s) => s.name === "project")!;
    assert.deepEqual(await project.versions!(box.stateDir), []);
    assert.deepEqual(await project.history!(box.stateDir), []);
    // The command line and the environment keep no versions and cannot be written.
    for (const name of ["command-line", "environment"]) {
      const s = sources.find((x) => x.name === name)!;
      assert.equal(s.write, undefined);
      assert.equal(s.versions, undefined);
      assert.equal(s.watch, undefined);
    }
  } finally {
    box.cleanup();
  }
});
