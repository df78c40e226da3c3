import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkAppName,
  defaultsDirs,
  formatOf,
  projectDirs,
  stateDir,
  systemConfigDirs,
  systemWriteDir,
  userConfigDir,
} from "../../src/platform/paths.ts";
import {
  locateDefaults,
  locateProject,
  locateSystem,
  locateUser,
} from "../../src/platform/locate.ts";

const linux = (env: Record<string, string> = {}) => ({
  platform: "linux",
  env,
  home: "/home/ann",
  cwd: "/work/proj/sub",
});

test("Linux: XDG folders with their defaults; relative values ignored", () => {
  assert.equal(userConfigDir(linux(), "demo"), "/home/ann/.config/demo");
  assert.equal(userConfigDir(linux({ XDG_CONFIG_HOME: "/x" }), "demo"), "/x/demo");
  assert.equal(userConfigDir(linux({ XDG_CONFIG_HOME: "rel" }), "demo"), "/home/ann/.config/demo");
  assert.deepEqual(systemConfigDirs(linux(), "demo"), ["/etc/xdg/demo", "/etc/demo"]);
  assert.deepEqual(systemConfigDirs(linux({ XDG_CONFIG_DIRS: "/a:rel::/b" }), "demo"), [
    "/a/demo",
    "/b/demo",
    "/etc/demo",
  ]);
  assert.equal(systemWriteDir(linux(), "demo"), "/etc/demo");
  assert.equal(systemWriteDir(linux({ XDG_CONFIG_DIRS: "/a:/b" }), "demo"), "/a/demo");
  assert.deepEqual(defaultsDirs(linux(), "demo"), ["/usr/local/share/demo", "/usr/share/demo"]);
  assert.deepEqual(defaultsDirs(linux({ XDG_DATA_DIRS: "/d" }), "demo"), [
    "/d/demo",
    "/usr/share/demo",
  ]);
  assert.equal(stateDir(linux(), "demo"), "/home/ann/.local/state/strata/demo");
  assert.equal(stateDir(linux({ XDG_STATE_HOME: "/st" }), "demo"), "/st/strata/demo");
  assert.deepEqual(projectDirs(linux()), ["/work/proj/sub", "/work/proj", "/work", "/"]);
});

test("macOS: Library folders, XDG not used", () => {
  const mac = { platform: "darwin", env: { XDG_CONFIG_HOME: "/x" }, home: "/Users/ann", cwd: "/" };
  assert.equal(userConfigDir(mac, "demo"), "/Users/ann/Library/Application Support/demo");
  assert.deepEqual(systemConfigDirs(mac, "demo"), ["/Library/Application Support/demo"]);
  assert.equal(systemWriteDir(mac, "demo"), "/Library/Application Support/demo");
  assert.deepEqual(defaultsDirs(mac, "demo"), ["/Library/Application Support/demo"]);
  assert.equal(stateDir(mac, "demo"), "/Users/ann/Library/Application Support/strata/state/demo");
});

test("Windows: APPDATA, PROGRAMDATA, LOCALAPPDATA (names case-insensitive) and fallbacks", () => {
  const win = {
    platform: "win32",
    env: { AppData: "C:\\Users\\ann\\AppData\\Roaming", PROGRAMDATA: "D:\\PD" },
    home: "C:\\Users\\ann",
    cwd: "C:\\w\\p",
  };
  assert.equal(userConfigDir(win, "demo"), "C:\\Users\\ann\\AppData\\Roaming\\demo");
  assert.deepEqual(systemConfigDirs(win, "demo"), ["D:\\PD\\demo"]);
  assert.equal(stateDir(win, "demo"), "C:\\Users\\ann\\AppData\\Local\\strata\\state\\demo");
  assert.deepEqual(projectDirs(win), ["C:\\w\\p", "C:\\w", "C:\\"]);
  const bare = { platform: "win32", env: {}, home: "C:\\Users\\bo", cwd: "C:\\" };
  assert.equal(userConfigDir(bare, "demo"), "C:\\Users\\bo\\AppData\\Roaming\\demo");
  assert.deepEqual(systemConfigDirs(bare, "demo"), ["C:\\ProgramData\\demo"]);
});

test("formats and app names", () => {
  assert.equal(formatOf("/a/config.JSON"), "json");
  assert.equal(formatOf("/a/config.toml"), "toml");
  assert.equal(formatOf("/a/config"), "toml");
  checkAppName("my-app.v2_x");
  for (const bad of ["", "../x", "a/b", ".hidden", "a b"]) {
    assert.throws(() => checkAppName(bad), /invalid application name/);
  }
});

test("locate picks the first existing file, .toml before .json", () => {
  const files = new Set([
    "/work/proj/.demo.json",
    "/work/.demo.toml",
    "/home/ann/.config/demo/config.toml",
    "/home/ann/.config/demo/config.json",
    "/etc/demo/config.json",
    "/usr/share/demo/defaults.toml",
  ]);
  const probe = (f: string) => files.has(f);
  const ctx = linux();
  assert.deepEqual(locateProject(ctx, "demo", probe), {
    file: "/work/proj/.demo.json",
    exists: true,
    format: "json",
    warnings: [],
  });
  const user = locateUser(ctx, "demo", probe);
  assert.equal(user.file, "/home/ann/.config/demo/config.toml");
  assert.deepEqual(user.warnings, [
    "both /home/ann/.config/demo/config.toml and /home/ann/.config/demo/config.json exist; " +
    "strata reads /home/ann/.config/demo/config.toml only: merge /home/ann/.config/demo/config.json into it and remove it",
  ]);
  assert.equal(locateSystem(ctx, "demo", probe).file, "/etc/demo/config.json");
  assert.equal(locateDefaults(ctx, "demo", probe)?.file, "/usr/share/demo/defaults.toml");
  const none = () => false;
  assert.deepEqual(locateProject(ctx, "demo", none), {
    file: "/work/proj/sub/.demo.toml",
    exists: false,
    format: "toml",
    warnings: [],
  });
  assert.equal(
    locateSystem(linux({ XDG_CONFIG_DIRS: "/q" }), "demo", none).file,
    "/q/demo/config.toml",
  );
  assert.equal(locateDefaults(ctx, "demo", none), undefined);
});
