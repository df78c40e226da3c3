#!/usr/bin/env python3
"""A reference writer for strata configuration files, standard library only.

Built from PROTOCOL.md (the section numbers below refer to it): it can change
a JSON or TOML file at the same time as `strata`, the TypeScript library and
any other conforming writer, and nothing is lost or half-written.

    python3 strata_writer.py --file ~/.config/demo/config.json set db.port 5433 --type int
    python3 strata_writer.py --file config.toml --state-dir STATE unset db.port

The state dir (backups and journal) is strata's one shared folder,
$XDG_STATE_HOME/strata/_shared (PROTOCOL.md 2.4) unless --state-dir names
another: so `strata --app demo history` and `strata --file ... history` see
this writer's changes.

Values are strings unless --type says int, float, bool or json.

Sealing a secret (PROTOCOL.md, "Sealed values"): with --seal RECIPIENT (the
`strata-recipient-v1:...` text `strata --app APP key show --recipient`
prints), the value is stored as `enc:v1:...`, readable only with the
matching identity; --app and --layer
name the place it is bound to, and VALUE `-` reads it from stdin so it never
shows in `ps`. Sealing needs the `cryptography` package (pip install
cryptography); everything else needs only the standard library.

    printf %s "$PASSWORD" | python3 strata_writer.py --file config.toml \
        --state-dir STATE --app demo --layer user set db.password - --seal "$RECIPIENT"

Limits (see README in this folder):
- JSON: the file is re-serialised with its own indentation; numbers are kept
  exactly as written, key order is kept, string escapes may be normalised.
- TOML: Python has a TOML reader (tomllib, 3.11+) but no writer, so TOML
  changes are line edits: a key in the top level or in a [table] section,
  written as `key = value` on one line. Anything else (dotted keys, inline
  tables, multi-line values, arrays of tables) is refused with a message,
  never guessed. Every edit is checked by re-parsing: all other values must
  be unchanged.

Exit codes as strata's: 0 ok, 2 usage, 3 does not parse / wrong type,
4 lock not obtained in time, 5 I/O failure.
"""

import argparse
import base64
import datetime
import errno
import getpass
import json
import os
import random
import re
import secrets
import signal
import socket
import sys
import time

try:
    import tomllib  # Python 3.11+
except ImportError:  # pragma: no cover - older Pythons can still write JSON
    tomllib = None

MAX_LINKS = 40  # 2.1
STALE_S = 30.0  # 4.1
GARBAGE_S = 5.0  # 4.1
GUARD_S = 2.0  # 4.2
RENEW_S = min(1.0, STALE_S / 4)  # 3.3
KEEP_BACKUPS = 20  # 8
WINDOWS = os.name == "nt"
BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation in os.open files
RENAME_RETRY_MS = [5, 10, 20, 40, 80, 160, 320, 500, 500]  # 9


def pid_namespace():
    """3.1 `pidns`: Linux only; None elsewhere."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return None


PIDNS = pid_namespace()


class Failure(Exception):
    """An error for the user: message and exit code."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def io_failure(doing, err):
    return Failure(f"{doing}: {os.strerror(err.errno) if err.errno else err} "
                   f"({errno.errorcode.get(err.errno, '?')}). The file was not changed.", 5)


# --- 2. Files and places -----------------------------------------------------

def real_file(target):
    """2.1: follow the last component's symbolic links; folders are left alone."""
    current = os.path.abspath(target)
    seen = set()
    for _ in range(MAX_LINKS + 1):
        if not os.path.islink(current):  # also false for a missing file (a dangling link's end)
            return current
        if current in seen:
            break
        seen.add(current)
        try:
            owner = os.lstat(current).st_uid
            link = os.readlink(current)
        except OSError as err:
            raise io_failure(f"cannot read {current}", err)
        if hasattr(os, "getuid") and owner not in (os.getuid(), 0):
            # 2.1: another user's link never decides where we write.
            raise Failure(
                f"{current} is a symbolic link owned by another user (uid {owner}); "
                "nothing was written.",
                5,
            )
        current = os.path.abspath(os.path.join(os.path.dirname(current), link))
    raise Failure(f"{os.path.abspath(target)} is a symbolic link loop; nothing was written.", 5)


def fnv1a32(text):
    """2.3: FNV-1a, 32 bits, over UTF-8 bytes, as 8 hex digits."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def state_paths(state_dir, real):
    """2.4: the backup folder and journal of one real file, named by its identity (2.3)."""
    folder = os.path.dirname(real)
    identity = os.path.join(os.path.realpath(folder), os.path.basename(real)) \
        if os.path.isdir(folder) else real
    name = f"{os.path.basename(real)}-{fnv1a32(identity)}"
    return (os.path.join(state_dir, "backups", name),
            os.path.join(state_dir, "journal", name + ".ndjson"))


def iso_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_dirs(folder):
    """Creates missing folders, each with mode 0700 (os.makedirs gives the mode to the last only)."""
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(folder)
    if parent and parent != folder:
        make_dirs(parent)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as err:
        raise io_failure(f"cannot create the folder {folder}", err)


# --- 3, 4. The lock ----------------------------------------------------------

def process_alive(pid):
    """4.1. Never os.kill(pid, 0) on Windows: there signal 0 is CTRL_C_EVENT."""
    if pid <= 0:
        return False
    if WINDOWS:
        return windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # runs as another user
    except OSError:
        return False
    return True


def windows_process_alive(pid):
    import ctypes  # standard library; only needed here
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists, as another user
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def inspect_lock(lock_path):
    """What is at the lock name, without following links (None: nothing).

    `sig` changes whenever the lock changes: another file, other content, a renewed lease
    (mtime). It is what 4.1 compares; no time in it is ever compared with a clock."""
    try:
        st = os.lstat(lock_path)
    except FileNotFoundError:
        return None
    import stat as statmod
    kind = ("symlink" if statmod.S_ISLNK(st.st_mode)
            else "file" if statmod.S_ISREG(st.st_mode) else "other")
    seen = {"kind": kind, "id": (st.st_dev, st.st_ino), "info": None}
    if kind == "file":
        try:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
            fd = os.open(lock_path, flags | BINARY)
            try:
                data = os.read(fd, 4096)
            finally:
                os.close(fd)
            info = json.loads(data.decode("utf-8"))
            if (isinstance(info, dict) and isinstance(info.get("pid"), int)
                    and isinstance(info.get("host"), str) and isinstance(info.get("token"), str)):
                seen["info"] = info
        except (OSError, ValueError):
            pass
    token = (seen["info"] or {}).get("token")
    seen["sig"] = (kind, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, token)
    seen["holding"] = (kind, st.st_dev, st.st_ino, token)  # a renewal changes sig, not this
    return seen


class Sighting:
    """4.1: how long one observer has seen the same thing at a name, on its monotonic clock."""

    def __init__(self):
        self.sig, self.since, self.changes = None, 0.0, 0

    def see(self, sig):
        now = time.monotonic()
        if sig != self.sig:
            if self.sig is not None:
                self.changes += 1
            self.sig, self.since = sig, now
        return now - self.since


def stale_after(seen):
    """4.1: how long a lock like this must be seen unchanged; None: never (a folder, a pipe)."""
    if seen["kind"] == "other":
        return None
    if seen["kind"] == "symlink":
        return 0.0
    return STALE_S if seen["info"] is not None else min(GARBAGE_S, STALE_S)


def holder_gone(seen, host):
    """4.1: a link, or this host's (and pid namespace's) record of a pid that is not running."""
    if seen["kind"] == "symlink":
        return True
    info = seen["info"]
    if seen["kind"] != "file" or info is None:
        return False
    theirs = info.get("pidns")
    same_pids = info["host"] == host and (not theirs or not PIDNS or theirs == PIDNS)
    return same_pids and not process_alive(info["pid"])


def is_stale(seen, host, unchanged_s):
    """4.1"""
    if holder_gone(seen, host):
        return True
    bound = stale_after(seen)
    return bound is not None and unchanged_s > bound


def unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def break_stale_lock(lock_path, seen, guard_sighting):
    """4.2: under an exclusive guard, remove the lock only if it is still the one judged stale."""
    guard = lock_path + ".break"
    try:
        os.close(os.open(guard, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, 0o600))
    except FileExistsError:
        there = inspect_lock(guard)
        if guard_sighting.see(there and there["sig"]) > GUARD_S:
            unlink_quietly(guard)
        return
    try:
        now = inspect_lock(lock_path)
        if now is not None and now["sig"] == seen["sig"]:
            unlink_quietly(lock_path)
    finally:
        unlink_quietly(guard)


class Lock:
    """A lock this process holds (3.2-3.4): its descriptor stays open while it is held."""

    def __init__(self, real, fd, token):
        self.real, self.path, self.fd, self.token = real, real + ".lock", fd, token
        self.renewed = time.monotonic()
        self.mtime = time.time()

    def ours(self):
        try:
            mine, there = os.fstat(self.fd), os.lstat(self.path)
        except OSError:
            return False
        seen = inspect_lock(self.path)
        return (mine.st_nlink > 0 and (there.st_dev, there.st_ino) == (mine.st_dev, mine.st_ino)
                and seen is not None and (seen["info"] or {}).get("token") == self.token)

    def confirm(self):
        """3.3: renew the lease and check the lock is still ours; exit 4 when it is not."""
        if not self.ours():
            raise Failure(f"{self.real}: this writer's lock was broken by another writer while it "
                          f"worked (it was stalled longer than the stale bound of {STALE_S:g} s); "
                          "nothing was written. To fix: run it again.", 4)
        if time.monotonic() - self.renewed >= RENEW_S:
            # Only has to change (observers never compare it with a clock): at least +1 s.
            self.mtime = max(time.time(), self.mtime + 1.0)
            if os.utime in os.supports_fd:
                os.utime(self.fd, (self.mtime, self.mtime))
            else:
                os.utime(self.path, (self.mtime, self.mtime))
            self.renewed = time.monotonic()

    def release(self):
        """3.4: delete the lock only if it is still ours."""
        try:
            if self.ours():
                unlink_quietly(self.path)
        finally:
            os.close(self.fd)


def acquire_lock(real, program, timeout_s):
    """3.2: returns the Lock we hold."""
    lock_path = real + ".lock"
    host = socket.gethostname()
    token = secrets.token_hex(16)
    started = time.monotonic()
    lock_sighting, guard_sighting = Sighting(), Sighting()
    last, renewals = None, 0
    attempt = 0
    while True:
        try:
            fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, 0o600)
        except FileExistsError:
            fd = None
        except OSError as err:
            raise io_failure(f"cannot create the lock file {lock_path}", err)
        if fd is not None:
            info = {"pid": os.getpid(), "host": host, "time": iso_now(), "program": program,
                    "token": token}
            if PIDNS:
                info["pidns"] = PIDNS
            try:
                write_all(fd, (json.dumps(info, separators=(",", ":")) + "\n").encode("utf-8"))
            except OSError as err:
                os.close(fd)
                unlink_quietly(lock_path)
                raise io_failure(f"cannot write the lock file {lock_path}", err)
            return Lock(real, fd, token)
        seen = inspect_lock(lock_path)
        unchanged = lock_sighting.see(seen and seen["sig"])
        if (seen and seen["holding"]) != (last and last["holding"]):
            renewals = 0
        elif seen is not None and seen["sig"] != last["sig"]:
            renewals += 1
        last = seen
        if seen is None:
            continue
        if is_stale(seen, host, unchanged):
            break_stale_lock(lock_path, seen, guard_sighting)
            continue
        waited = time.monotonic() - started
        # 3.2: a holding that is not renewed may be a stopped, slow or dead holder's: keep
        # watching it past the timeout until 4.1 breaks it, at most the stale bound more.
        frozen = (renewals == 0 and stale_after(seen) is not None
                  and waited < timeout_s + STALE_S)
        if waited >= timeout_s and not frozen:
            info = seen["info"]
            holder = (f"process {info['pid']} on host {info['host']} (program "
                      f"\"{info.get('program', '?')}\", since {info.get('time', '?')})"
                      if info else "an unreadable lock file")
            raise Failure(f"{real} is locked by {holder}; gave up after waiting {waited:.1f} s. "
                          f"To fix: retry later; if that process is gone, delete {lock_path}.", 4)
        delay = min(0.050, 0.002 * 2 ** min(attempt, 10))
        left = delay if frozen else max(0.0, timeout_s - waited)
        time.sleep(min(delay * (0.5 + random.random() / 2), left))
        attempt += 1


def stop_at(point):
    """Test hook: STRATA_STOP_AT=<point> stops this process there (as Ctrl-Z or a stall would)."""
    if os.environ.get("STRATA_STOP_AT") == point and hasattr(signal, "SIGSTOP"):
        os.kill(os.getpid(), signal.SIGSTOP)


# --- 5. Writing --------------------------------------------------------------

def fsync_dir(folder):
    """5 step 8: skipped where the platform refuses it."""
    if WINDOWS:
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as err:
        if err.errno not in (errno.EINVAL, errno.EISDIR, errno.EPERM, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def replace(src, dst):
    """rename over, retried on Windows while another program holds the target (9)."""
    for attempt in range(len(RENAME_RETRY_MS) + 1):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if not WINDOWS or attempt == len(RENAME_RETRY_MS):
                raise
            time.sleep(RENAME_RETRY_MS[attempt] / 1000)


def full_fsync(fd):
    """fsync; on macOS F_FULLFSYNC, since fsync there does not flush the drive's own cache."""
    if sys.platform == "darwin":
        try:
            import fcntl
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except (ImportError, AttributeError, OSError):
            pass
    os.fsync(fd)


def write_all(fd, data):
    """os.write may write less than asked when a disk fills; loop so the next call raises ENOSPC."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_exclusive(path, data, sync=True):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, 0o600)
    try:
        write_all(fd, data)
        if sync:
            full_fsync(fd)
        return fd
    except BaseException:
        os.close(fd)
        raise


def backup_name_time(name):
    m = re.match(r"^(\d{8}T\d{6}\.\d{3})Z-(\d+)", name)
    if not m:
        return None
    t = datetime.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S.%f")
    return t.replace(tzinfo=datetime.timezone.utc).timestamp()


def list_backups(backup_dir):
    try:
        names = os.listdir(backup_dir)
    except FileNotFoundError:
        return []
    return sorted((n for n in names if re.match(r"^\d{8}T\d{6}\.\d{3}Z-\d+(\.[^.]+)?$", n)),
                  reverse=True)


def make_backup(real, backup_dir, content):
    """5 step 5: keep the current bytes as `<time>-<pid><ext>` (a copy; strata links)."""
    make_dirs(backup_dir)
    existing = list_backups(backup_dir)
    when = time.time()
    if existing:
        when = max(when, backup_name_time(existing[0]) + 0.001)
    ms = int(round(when * 1000))
    stamp = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    backup_id = f"{stamp:%Y%m%dT%H%M%S}.{ms % 1000:03d}Z-{os.getpid()}"
    final = os.path.join(backup_dir, backup_id + os.path.splitext(real)[1])
    temp = os.path.join(backup_dir, f".{backup_id}.{secrets.token_hex(4)}.tmp")
    try:
        os.close(write_exclusive(temp, content))
        replace(temp, final)
    except OSError as err:
        unlink_quietly(temp)
        raise io_failure(f"cannot keep a backup of {real} in {backup_dir}", err)
    return backup_id, final


def rotate(backup_dir, is_valid):
    """8: keep the newest KEEP_BACKUPS, and the newest copy that parses if none of those does."""
    names = list_backups(backup_dir)
    doomed = names[KEEP_BACKUPS:]
    if doomed and not any(valid_file(os.path.join(backup_dir, n), is_valid)
                          for n in names[:KEEP_BACKUPS]):
        for i, n in enumerate(doomed):
            if valid_file(os.path.join(backup_dir, n), is_valid):
                del doomed[i]
                break
    for n in doomed:
        unlink_quietly(os.path.join(backup_dir, n))


def valid_file(path, is_valid):
    try:
        with open(path, "rb") as f:
            return is_valid(f.read())
    except OSError:
        return False


def write_atomic(real, data, before_rename=None):
    """5 steps 6-8; `before_rename` checks the lock is still ours (3.3)."""
    folder = os.path.dirname(real)
    try:
        existing = os.stat(real)
    except FileNotFoundError:
        existing = None
    temp = os.path.join(folder, f".{os.path.basename(real)}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = write_exclusive(temp, data, sync=False)
        try:
            if existing is not None and not WINDOWS:
                os.fchmod(fd, existing.st_mode & 0o7777)
                mine = os.fstat(fd)
                if (mine.st_uid, mine.st_gid) != (existing.st_uid, existing.st_gid):
                    try:
                        os.fchown(fd, existing.st_uid, existing.st_gid)
                    except PermissionError:
                        raise Failure(f"cannot write {real}: it is owned by uid {existing.st_uid} "
                                      f"gid {existing.st_gid}; rewriting it would change its "
                                      "owner. The file was not changed.", 5)
                    os.fchmod(fd, existing.st_mode & 0o7777)
            full_fsync(fd)  # after chmod/chown: data, mode and owner reach the disk together
        finally:
            os.close(fd)
        stop_at("temp")
        if before_rename:
            before_rename()
        replace(temp, real)
    except OSError as err:
        unlink_quietly(temp)
        raise io_failure(f"cannot write {real}", err)
    except BaseException:
        unlink_quietly(temp)
        raise
    fsync_dir(folder)


def append_journal(journal, entries):
    """5 step 9, 6: one write, one line per changed key."""
    make_dirs(os.path.dirname(journal))
    text = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n"
                   for e in entries)
    fd = os.open(journal, os.O_RDWR | os.O_APPEND | os.O_CREAT | BINARY, 0o600)
    try:
        size = os.fstat(fd).st_size
        if size > 0:
            os.lseek(fd, size - 1, os.SEEK_SET)  # (no os.pread on Windows)
        if size > 0 and os.read(fd, 1) != b"\n":
            text = "\n" + text  # end a line torn by a crash first
        try:
            write_all(fd, text.encode("utf-8"))
        except OSError:
            try:
                os.ftruncate(fd, size)  # a full disk took part of the lines: take them back
            except OSError:
                pass
            raise
    finally:
        os.close(fd)


def remove_orphans(folder, pattern):
    """5 step 10: temp files of crashed writers (dead pid, or older than the stale bound)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = re.match(pattern, name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        path = os.path.join(folder, name)
        try:
            if time.time() - os.lstat(path).st_mtime > STALE_S or not process_alive(int(m.group(1))):
                os.unlink(path)
        except OSError:
            pass


def user_name():
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry and no USER variable
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def update_file(target, state_dir, edit, is_valid, program, layer, timeout_s):
    """Section 5, in order. `edit(text or None) -> (new_text, changes) or None`."""
    real = real_file(target)
    if os.path.exists(real) and not os.path.isfile(real):
        raise Failure(f"cannot write {real}: it is not a regular file. Nothing was written.", 5)
    make_dirs(os.path.dirname(real))
    lock = acquire_lock(real, program, timeout_s)
    try:
        try:
            with open(real, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            raw = None
        if raw is not None and not os.access(real, os.W_OK):  # 5 step 3
            raise Failure(f"cannot write {real}: permission denied: the file is read-only for you. "
                          "The file was not changed.", 5)
        if raw is not None and hasattr(os, "geteuid") and os.geteuid() != 0 \
                and os.stat(real).st_uid != os.geteuid():
            raise Failure(f"cannot write {real}: it is owned by uid {os.stat(real).st_uid}, and "
                          "rewriting it would change its owner. The file was not changed.", 5)
        bom = raw is not None and raw.startswith(b"\xef\xbb\xbf")
        text = None
        if raw is not None:
            try:
                text = raw[3 if bom else 0:].decode("utf-8")
            except UnicodeDecodeError as err:
                raise Failure(f"{real}: not valid UTF-8 at byte {err.start}; nothing was written.", 3)
        result = edit(text)
        if result is None or result[0] == text:
            return False
        new_text, changes = result
        lock.confirm()  # 3.3: renew the lease after the edit; stop if a stall cost us the lock
        backup_dir, journal = state_paths(state_dir, real)
        backup_id, backup_path = make_backup(real, backup_dir, raw) if raw is not None else (None, None)
        try:
            stop_at("backup")
            write_atomic(real, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"),
                         lock.confirm)
        except BaseException:
            if backup_path:
                unlink_quietly(backup_path)  # 5: the file is unchanged; its backup would mislead
            raise
        if backup_id:
            rotate(backup_dir, is_valid)
        shared = {"time": iso_now(), "file": real}
        if layer:
            shared["layer"] = layer
        shared.update({"program": program, "user": user_name(), "pid": os.getpid(),
                       "host": socket.gethostname()})
        if backup_id:
            shared["backup"] = backup_id
        try:
            append_journal(journal, [{**shared, **c} for c in changes])
        except (OSError, Failure) as err:
            cause = os.strerror(err.errno) if isinstance(err, OSError) and err.errno else err
            print(f"strata_writer: warning: {real} was written, but the journal {journal} could "
                  f"not be appended: {cause}", file=sys.stderr)
        remove_orphans(os.path.dirname(real),
                       r"^\." + re.escape(os.path.basename(real)) + r"\.(\d+)\.[0-9a-f]+\.tmp$")
        remove_orphans(backup_dir, r"^\.\d{8}T\d{6}\.\d{3}Z-(\d+)\.[0-9a-f]+\.tmp$")
        return True
    finally:
        lock.release()


# --- Keys and values -----------------------------------------------------------

BARE = re.compile(r"[A-Za-z0-9_-]+")


def parse_key(text):
    """A dotted key as in TOML: bare, "basic" or 'literal' segments."""
    segments, i = [], 0
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == '"':
            m = re.compile(r'"((?:[^"\\]|\\.)*)"').match(text, i)
            if not m:
                raise Failure(f"bad key {text!r}: unterminated quote", 2)
            segments.append(json.loads(m.group(0)))
            i = m.end()
        elif i < len(text) and text[i] == "'":
            j = text.find("'", i + 1)
            if j < 0:
                raise Failure(f"bad key {text!r}: unterminated quote", 2)
            segments.append(text[i + 1:j])
            i = j + 1
        else:
            m = BARE.match(text, i)
            if not m:
                raise Failure(f"bad key {text!r} at column {i + 1}", 2)
            segments.append(m.group(0))
            i = m.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i == len(text):
            return segments
        if text[i] != ".":
            raise Failure(f"bad key {text!r} at column {i + 1}: expected \".\"", 2)
        i += 1


def format_key(segments):
    return ".".join(s if BARE.fullmatch(s) else json.dumps(s, ensure_ascii=False)
                    for s in segments)


def convert(value, kind):
    try:
        if kind == "string":
            return value
        if kind == "int":
            return int(value, 10)
        if kind == "float":
            return float(value)
        if kind == "bool":
            if value not in ("true", "false"):
                raise ValueError
            return value == "true"
        return json.loads(value)
    except ValueError:
        raise Failure(f"{value!r} is not a valid {kind}; nothing was written.", 3)


# --- JSON files ----------------------------------------------------------------

class Numbers:
    """Keeps every number's text exactly as written: parsed into a marked string, restored on output."""

    def __init__(self):
        self.mark = "\u0000n" + secrets.token_hex(4) + ":"

    def load(self, text):
        return json.loads(text, parse_int=self._marked, parse_float=self._marked)

    def _marked(self, raw):
        return self.mark + raw

    def dump(self, value, indent):
        text = json.dumps(value, indent=indent, ensure_ascii=False)
        escaped = json.dumps(self.mark)[1:-1]
        return re.sub('"' + re.escape(escaped) + r'([^"]*)"', lambda m: m.group(1), text)

    def plain(self, value):
        """The value as plain JSON data (for the journal and comparisons)."""
        if isinstance(value, str) and value.startswith(self.mark):
            return json.loads(value[len(self.mark):])
        if isinstance(value, list):
            return [self.plain(v) for v in value]
        if isinstance(value, dict):
            return {k: self.plain(v) for k, v in value.items()}
        return value

    def marked(self, value):
        """A new value, its numbers marked too."""
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            return self.mark + json.dumps(value)
        if isinstance(value, list):
            return [self.marked(v) for v in value]
        if isinstance(value, dict):
            return {k: self.marked(v) for k, v in value.items()}
        return value


def json_indent(text):
    m = re.search(r"^\{[ \t]*\r?\n([ \t]+)\S", text)
    if m:
        return m.group(1)
    return None if text.strip() and "\n" not in text.strip() else 2


def edit_json(segments, value, unset):
    missing = object()

    def edit(text):
        numbers = Numbers()
        try:
            doc = numbers.load(text) if text is not None and text.strip() else {}
        except ValueError as err:
            raise Failure(f"{err}; the file does not parse as JSON, nothing was written. "
                          "To fix: strata edit, or strata restore latest.", 3)
        if not isinstance(doc, dict):
            raise Failure("the file's top level is not a JSON object; nothing was written.", 3)
        node = doc
        for i, seg in enumerate(segments[:-1]):
            child = node.get(seg, missing)
            if child is missing:
                if unset:
                    return None
                child = node[seg] = {}
            if not isinstance(child, dict):
                raise Failure(f"{format_key(segments[:i + 1])} is not a table; nothing was written.", 3)
            node = child
        last = segments[-1]
        old = node.get(last, missing)
        if unset:
            if old is missing:
                return None
            del node[last]
        else:
            node[last] = numbers.marked(value)
        indent = json_indent(text or "")
        new_text = numbers.dump(doc, indent)
        if text is None or text.endswith("\n"):
            new_text += "\n"
        if "\r\n" in (text or ""):
            new_text = new_text.replace("\n", "\r\n")
        change = {"key": format_key(segments)}
        if old is not missing:
            change["old"] = numbers.plain(old)
        if not unset:
            change["new"] = value
        if not unset and old is not missing and type(numbers.plain(old)) is type(value) \
                and numbers.plain(old) == value:
            return None
        return new_text, [change]

    return edit


def json_valid(raw):
    try:
        json.loads(raw.decode("utf-8-sig"))
        return True
    except ValueError:
        return False


# --- TOML files (line edits, checked by re-parsing) ------------------------------

def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(text, text)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\\u007f", "\\u007F")
    raise Failure("the TOML line writer only writes strings, integers, floats and booleans", 2)


def toml_header(line):
    """The key path of a `[table]` header line, "array" for `[[...]]`, None for other lines."""
    stripped = line.strip()
    if stripped.startswith("[["):
        return "array"
    if not stripped.startswith("["):
        return None
    try:
        parsed = tomllib.loads(stripped)
    except tomllib.TOMLDecodeError:
        return None
    path = []
    while len(parsed) == 1:
        (k, v), = parsed.items()
        path.append(k)
        if not v:
            return path
        parsed = v
    return None


def line_key(line):
    """The key path and trailing comment of a one-line `key = value`, or None."""
    try:
        parsed = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    path = []
    while isinstance(parsed, dict) and len(parsed) == 1:
        (k, parsed), = parsed.items()
        path.append(k)
    if not path or isinstance(parsed, dict):
        return None
    comment = ""
    for i, ch in enumerate(line):
        if ch == "#":
            try:
                if tomllib.loads(line[:i]) is not None and tomllib.loads(line[:i]):
                    comment = line[i:]
                    break
            except tomllib.TOMLDecodeError:
                continue
    return path, comment


def get_path(doc, segments):
    for seg in segments:
        if not isinstance(doc, dict) or seg not in doc:
            return None
        doc = doc[seg]
    return doc


def edit_toml(segments, value, unset):
    if tomllib is None:
        raise Failure("TOML files need Python 3.11 or later (tomllib)", 2)

    def edit(text):
        text = text or ""
        try:
            before = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise Failure(f"{err}; nothing was written. To fix: strata edit, "
                          "or strata restore latest.", 3)
        newline = "\r\n" if "\r\n" in text else "\n"
        lines = text.split(newline)
        table, key = segments[:-1], segments[-1]
        # Sections: the top level, then one per header line; [[array]] sections never match.
        sections = [((), 0)]
        for i, line in enumerate(lines):
            header = toml_header(line)
            if header is not None:
                sections.append((None if header == "array" else tuple(header), i + 1))
        target = None  # (first line, end line) of the section [table]
        for n, (name, first) in enumerate(sections):
            if name == tuple(table):
                stop = sections[n + 1][1] - 1 if n + 1 < len(sections) else len(lines)
                target = (first, stop)
        old = get_path(before, segments)
        key_line = None  # (line index, trailing comment)
        if target:
            for i in range(*target):
                found = line_key(lines[i])
                if found and found[0] == [key]:
                    key_line = (i, found[1])
        if old is not None and key_line is None:
            raise Failure(f"{format_key(segments)} is written in a form this line writer cannot "
                          "edit (dotted key, inline table, multi-line value); use strata.", 3)
        if unset:
            if key_line is None:
                return None
            del lines[key_line[0]]
        else:
            indent = re.match(r"[ \t]*", lines[key_line[0]]).group(0) if key_line else ""
            new_line = f"{indent}{format_key([key])} = {toml_value(value)}"
            if key_line and key_line[1]:
                new_line += " " + key_line[1]
            if key_line:
                lines[key_line[0]] = new_line
            elif target:
                at = target[1]
                while at > target[0] and lines[at - 1].strip() == "":
                    at -= 1
                lines.insert(at, new_line)
            else:
                while lines and lines[-1] == "":
                    lines.pop()
                if lines:
                    lines.append("")
                lines += [f"[{format_key(table)}]", new_line, ""]
        new_text = newline.join(lines)
        if new_text and not new_text.endswith(newline):
            new_text += newline
        # The check: the edit changed exactly this key and nothing else.
        expect = json.loads(json.dumps(before, default=str))
        node = expect
        for seg in table:
            node = node.setdefault(seg, {})
        if unset:
            node.pop(key, None)
        else:
            node[key] = value
        try:
            after = json.loads(json.dumps(tomllib.loads(new_text), default=str))
        except tomllib.TOMLDecodeError:
            after = None
        if after != expect:
            raise Failure("a line edit cannot make this change without touching other keys; "
                          "nothing was written. Use strata for this file.", 3)
        if not unset and type(old) is type(value) and old == value:
            return None
        change = {"key": format_key(segments)}
        if old is not None:
            change["old"] = json.loads(json.dumps(old, default=str))
        if not unset:
            change["new"] = value
        return new_text, [change]

    return edit


def toml_valid(raw):
    try:
        tomllib.loads(raw.decode("utf-8-sig"))
        return True
    except (ValueError, UnicodeDecodeError):
        return False


# --- Sealed values (PROTOCOL.md, "Sealed values") ---------------------------------

SEALED_PREFIX = "enc:v1:"
RECIPIENT_PREFIX = "strata-recipient-v1:"
IDENTITY_PREFIX = "strata-identity-v1:"
HKDF_INFO = b"strata sealed v1"
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def load_cryptography():
    """The `cryptography` package, needed only to seal; a clear error when it is absent."""
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import x25519
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    except ImportError:
        raise Failure("sealing a value needs the Python package `cryptography` "
                      "(pip install cryptography); nothing was written.", 2)
    return hashes, serialization, x25519, AESGCM, HKDF


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text):
    """Strict base64url without padding: None unless `text` is the canonical encoding of bytes."""
    if not BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None
    return data if b64url(data) == text else None


def key_text(text, prefix, what):
    """The 32 raw key bytes of `strata-recipient-v1:...` / `strata-identity-v1:...`."""
    text = text.strip()
    raw = unb64url(text[len(prefix):]) if text.startswith(prefix) else None
    if raw is None or len(raw) != 32:
        raise Failure(f"the {what} is not a strata {what} key: it must be {prefix} followed by "
                      "43 base64url characters; copy it whole from `strata --app APP key show --recipient`.", 2)
    return raw


def sealed_context(app, layer, segments):
    """The associated data: u32be length + UTF-8 of app, of layer; u32be count; each segment so."""
    def field(text):
        data = text.encode("utf-8")
        return len(data).to_bytes(4, "big") + data
    if not app or not layer or not segments:
        raise Failure("sealing needs --app and --layer (the value is bound to app, layer and key)", 2)
    return (field(app) + field(layer) + len(segments).to_bytes(4, "big")
            + b"".join(field(s) for s in segments))


def toml_inline(value):
    """One TOML value in inline form on one line: the plaintext of a sealed value."""
    if isinstance(value, str):
        out = '"'
        for ch in value:
            cp = ord(ch)
            if ch in '"\\':
                out += "\\" + ch
            elif cp < 0x20 or cp == 0x7F:
                out += {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\u{cp:04X}")
            else:
                out += ch
        return out + '"'
    if isinstance(value, int) and not isinstance(value, bool):
        if not -2**63 <= value < 2**63:
            raise Failure(f"{value} is outside TOML's 64-bit integer range; nothing was written.", 3)
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{k if BARE.fullmatch(k) else toml_inline(k)} = {toml_inline(v)}"
                 for k, v in value.items())
        return "{ " + ", ".join(items) + " }"
    if value is None:
        raise Failure("null has no TOML form; nothing was written.", 3)
    return toml_value(value)


def derive_value_key(hkdf_parts, shared, ephemeral_public, recipient_public):
    hashes, HKDF = hkdf_parts
    okm = HKDF(algorithm=hashes.SHA256(), length=44, salt=ephemeral_public + recipient_public,
               info=HKDF_INFO).derive(shared)
    return okm[:32], okm[32:]


def seal_value(value, recipient, app, layer, segments):
    """`enc:v1:...` of `value` sealed for the recipient text, bound to app, layer and key."""
    return seal_plaintext(toml_inline(value), recipient, app, layer, segments)


def seal_plaintext(plaintext, recipient, app, layer, segments, ephemeral=None):
    """Seals a plaintext (one TOML value in inline form, as toml_inline writes it).

    `ephemeral` (32 bytes) is for test vectors only: every value MUST get fresh random bytes.
    """
    hashes, serialization, x25519, AESGCM, HKDF = load_cryptography()
    recipient_public = key_text(recipient, RECIPIENT_PREFIX, "recipient")
    key = x25519.X25519PrivateKey.from_private_bytes(ephemeral or secrets.token_bytes(32))
    raw = serialization.Encoding.Raw
    ephemeral_public = key.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    try:
        shared = key.exchange(x25519.X25519PublicKey.from_public_bytes(recipient_public))
    except ValueError:
        raise Failure("the recipient is not a usable X25519 public key (a low-order point); "
                      "copy it whole from `strata --app APP key show --recipient`.", 2)
    aes_key, nonce = derive_value_key((hashes, HKDF), shared, ephemeral_public, recipient_public)
    sealed = AESGCM(aes_key).encrypt(nonce, plaintext.encode("utf-8"),
                                     sealed_context(app, layer, segments))
    return SEALED_PREFIX + b64url(ephemeral_public + nonce + sealed)


def open_value(text, identity, app, layer, segments):
    """The value of a sealed text (the reverse of seal_value; strata itself opens values)."""
    hashes, serialization, x25519, AESGCM, HKDF = load_cryptography()
    payload = unb64url(text[len(SEALED_PREFIX):]) if text.startswith(SEALED_PREFIX) else None
    if payload is None or len(payload) < 61:
        raise Failure("not a sealed value, or a damaged one", 3)
    key = x25519.X25519PrivateKey.from_private_bytes(key_text(identity, IDENTITY_PREFIX, "identity"))
    recipient_public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                                     serialization.PublicFormat.Raw)
    try:
        shared = key.exchange(x25519.X25519PublicKey.from_public_bytes(payload[:32]))
    except ValueError:
        raise Failure("a damaged sealed value (its key part is not an X25519 public key)", 3)
    aes_key, nonce = derive_value_key((hashes, HKDF), shared, payload[:32], recipient_public)
    if nonce != payload[32:44]:
        raise Failure("sealed for another identity", 3)
    from cryptography.exceptions import InvalidTag
    try:
        plaintext = AESGCM(aes_key).decrypt(nonce, payload[44:], sealed_context(app, layer, segments))
    except InvalidTag:
        raise Failure("sealed for another key, layer or app (copied), or altered", 3)
    try:
        text = plaintext.decode("utf-8")
        doc = None if "\n" in text or "\r" in text else tomllib.loads("v = " + text + "\n")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        doc = None
    if doc is None or list(doc) != ["v"]:
        raise Failure("a sealed value that holds no single TOML value (its writer is faulty)", 3)
    return doc["v"]


def read_secret_value():
    """VALUE `-` with --seal: the value from stdin (one trailing newline dropped), not from argv."""
    data = sys.stdin.read()
    return data[:-1] if data.endswith("\n") else data


# --- Command line ----------------------------------------------------------------

def default_state_dir():
    """strata's shared state dir (2.4): one for every application and every file."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or ""
        if not os.path.isabs(base):
            base = os.path.join(os.path.expanduser("~"), "AppData", "Local")
        return os.path.join(base, "strata", "state", "_shared")
    home = os.environ.get("HOME") or ""
    base = os.environ.get("XDG_STATE_HOME") or ""
    if sys.platform == "darwin" or not os.path.isabs(base):
        if not os.path.isabs(home):
            raise Failure("HOME is not an absolute path (strata's state dir lives under it): "
                          "set HOME, or give --state-dir", 2)
        if sys.platform == "darwin":
            return os.path.join(home, "Library", "Application Support", "strata", "state",
                                "_shared")
        base = os.path.join(home, ".local", "state")
    return os.path.join(base, "strata", "_shared")


def main(argv):
    parser = argparse.ArgumentParser(description="Change a strata configuration file safely "
                                     "(PROTOCOL.md reference writer).")
    parser.add_argument("--file", required=True, help="the configuration file (.json or .toml)")
    parser.add_argument("--state-dir", default=None,
                        help="the state dir (default: strata's shared one, PROTOCOL.md 2.4)")
    parser.add_argument("--program", default="strata_writer.py", help="name in lock and journal")
    parser.add_argument("--layer", default=None, help="layer name for the journal (and, with "
                        "--seal, the layer the sealed value is bound to)")
    parser.add_argument("--app", default=None, help="application name (needed by --seal)")
    parser.add_argument("--timeout", type=float, default=10.0, help="lock timeout, seconds")
    sub = parser.add_subparsers(dest="command", required=True)
    set_cmd = sub.add_parser("set", help="set KEY to VALUE")
    set_cmd.add_argument("key")
    set_cmd.add_argument("value")
    set_cmd.add_argument("--type", default="string", choices=["string", "int", "float", "bool", "json"])
    set_cmd.add_argument("--seal", metavar="RECIPIENT", default=None,
                         help="store the value sealed for this strata-recipient-v1:... key "
                         "(needs --app, --layer and the `cryptography` package); "
                         "VALUE - reads it from stdin, so it never shows in ps")
    unset_cmd = sub.add_parser("unset", help="remove KEY")
    unset_cmd.add_argument("key")
    args = parser.parse_args(argv)
    try:
        segments = parse_key(args.key)
        sealing = args.command == "set" and args.seal is not None
        raw_value = read_secret_value() if sealing and args.value == "-" else \
            getattr(args, "value", None)
        value = convert(raw_value, args.type) if args.command == "set" else None
        if sealing:
            value = seal_value(value, args.seal, args.app, args.layer, segments)
        unset = args.command == "unset"
        if args.file.endswith(".toml"):
            edit, is_valid = edit_toml(segments, value, unset), toml_valid
        elif args.file.endswith(".json"):
            edit, is_valid = edit_json(segments, value, unset), json_valid
        else:
            raise Failure(f"{args.file}: only .json and .toml files are supported", 2)
        state_dir = args.state_dir if args.state_dir is not None else default_state_dir()
        update_file(args.file, state_dir, edit, is_valid, args.program, args.layer,
                    args.timeout)
        return 0
    except Failure as failure:
        print(f"strata_writer: {failure}", file=sys.stderr)
        return failure.code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
