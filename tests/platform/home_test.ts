// The home folder: an absolute HOME wins, an empty or relative one is
// ignored for the password database's, none at all is an error that says why
// (and each use says which variable to set).
import { test } from "node:test";
import assert from "node:assert/strict";
import { findHome, HomeMissingError, homeNeeded, lazyHome } from "../../src/platform/home.ts";
import { stateDir, userConfigDir } from "../../src/platform/paths.ts";

test("an absolute HOME is used without asking the password database", () => {
  let asked = 0;
  const lookup = () => (asked++, "/from/passwd");
  assert.equal(findHome("linux", { HOME: "/home/ann" }, lookup), "/home/ann");
  assert.equal(findHome("win32", { USERPROFILE: "C:\\Users\\ann" }, lookup), "C:\\Users\\ann");
  assert.equal(asked, 0);
});

test("an empty or relative HOME is ignored: the password database answers", () => {
  for (const HOME of ["", "rel", "./home", "~"]) {
    assert.equal(findHome("linux", { HOME }, () => "/home/ann"), "/home/ann", HOME);
  }
  // A database that echoes the relative HOME back is no answer either.
  const echoed = findHome("linux", { HOME: "rel" }, () => "rel");
  assert.ok(echoed instanceof HomeMissingError);
  assert.equal(
    echoed.message,
    'no home folder is known: HOME is "rel", not an absolute path and this user has no home folder in the password database',
  );
});

test("no home at all: the error says why, and each use names its variable", () => {
  const none = findHome("linux", {}, () => undefined);
  assert.ok(none instanceof HomeMissingError);
  assert.equal(
    none.why,
    "HOME is not set and this user has no home folder in the password database",
  );
  const empty = findHome("linux", { HOME: "" }, () => undefined) as HomeMissingError;
  assert.equal(
    empty.why,
    "HOME is empty and this user has no home folder in the password database",
  );
  const reason = "HOME is not set and this user has no home folder in the password database";
  assert.equal(
    homeNeeded("linux", "user", none).message,
    `the user layer has no folder: ${reason}. To fix: set XDG_CONFIG_HOME (or HOME) to an absolute path`,
  );
  assert.equal(
    homeNeeded("linux", "state", none).message,
    `backups and the journal have no folder: ${reason}. To fix: set XDG_STATE_HOME (or HOME) to an absolute path`,
  );
  assert.match(homeNeeded("darwin", "user", none).message, /To fix: set HOME to an absolute path$/);
  assert.match(
    homeNeeded("win32", "state", none).message,
    /To fix: set LOCALAPPDATA \(or USERPROFILE\) to an absolute path$/,
  );
  assert.equal(homeNeeded("linux", "user", none).exitCode, 2);
});

test("paths under the home ask for it only when no variable names their folder", () => {
  let asked = 0;
  const context = (env: Record<string, string>) => ({
    platform: "linux",
    env,
    cwd: "/",
    get home(): string {
      asked++;
      throw new HomeMissingError("HOME is not set");
    },
  });
  const ctx = context({ XDG_CONFIG_HOME: "/c", XDG_STATE_HOME: "/s" });
  assert.equal(userConfigDir(ctx, "demo"), "/c/demo");
  assert.equal(stateDir(ctx, "demo"), "/s/strata/demo");
  assert.equal(asked, 0);
  // A relative XDG variable is ignored, so the home is needed, and missing.
  assert.throws(() => userConfigDir(context({ XDG_CONFIG_HOME: "c" }), "demo"), HomeMissingError);
  assert.equal(asked, 1);
  const windows = {
    platform: "win32",
    env: { APPDATA: "C:\\A", LOCALAPPDATA: "C:\\L" },
    cwd: "C:\\",
    get home(): string {
      throw new Error("home asked");
    },
  };
  assert.equal(userConfigDir(windows, "demo"), "C:\\A\\demo");
  assert.equal(stateDir(windows, "demo"), "C:\\L\\strata\\state\\demo");
});

test("a home given by the caller is used as it is, and never looked up", () => {
  assert.equal(lazyHome("linux", {}, "/given").get(), "/given");
});

test("a password database that cannot be asked is named, not called empty", () => {
  const refused = findHome("linux", {}, () => {
    throw new Error('Requires sys access to "homedir"');
  });
  assert.ok(refused instanceof HomeMissingError);
  assert.equal(
    refused.why,
    'HOME is not set and the password database could not be asked (Requires sys access to "homedir")',
  );
});
