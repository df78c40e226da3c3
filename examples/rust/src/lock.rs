//! The lock beside a configuration file (PROTOCOL.md sections 3 and 4):
//! `O_CREAT|O_EXCL`, one JSON line, stale locks judged by this process's
//! own monotonic clock (a dead pid on this host at once, an invalid record
//! after 5 s, any lock after 30 s unchanged), broken under a guard file.

use crate::proto::{hostname, iso_time, pid_namespace, random_hex};
use crate::Failure;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);
const STALE: Duration = Duration::from_secs(30);
const INVALID_STALE: Duration = Duration::from_secs(5);
const GUARD_STALE: Duration = Duration::from_secs(2);

/// A held lock: its file (kept open), identity and token.
pub struct Lock {
    pub path: PathBuf,
    _file: File,
    dev: u64,
    ino: u64,
    token: String,
}

/// What one look at an existing lock saw (4.1: "the same lock").
#[derive(PartialEq, Clone)]
struct Seen {
    symlink: bool,
    regular: bool,
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    text: String,
}

fn look(path: &Path) -> Option<Seen> {
    let m = fs::symlink_metadata(path).ok()?;
    let text = if m.file_type().is_file() { fs::read_to_string(path).unwrap_or_default() } else { String::new() };
    Some(Seen {
        symlink: m.file_type().is_symlink(),
        regular: m.file_type().is_file(),
        dev: m.dev(),
        ino: m.ino(),
        size: m.size(),
        mtime: (m.mtime(), m.mtime_nsec()),
        ctime: (m.ctime(), m.ctime_nsec()),
        text,
    })
}

/// A string or integer member of a one-line JSON object (enough for a lock record).
pub fn member(text: &str, name: &str) -> Option<String> {
    let at = text.find(&format!("\"{}\":", name))? + name.len() + 3;
    let rest = text[at..].trim_start();
    if let Some(s) = rest.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => out.push(chars.next()?),
                c => out.push(c),
            }
        }
        None
    } else {
        let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if end == 0 { None } else { Some(rest[..end].to_string()) }
    }
}

fn json_string(s: &str) -> String {
    crate::proto::json_string(s)
}

/// Whether a valid lock's holder is known dead: same host and pid namespace, no such process.
fn holder_dead(text: &str) -> bool {
    let (Some(pid), Some(host)) = (member(text, "pid"), member(text, "host")) else { return false };
    if host != hostname() { return false; }
    if let (Some(theirs), Some(ours)) = (member(text, "pidns"), pid_namespace()) {
        if theirs != ours { return false; }
    }
    let Ok(pid) = pid.parse::<i32>() else { return false };
    let alive = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    !alive
}

fn valid(text: &str) -> bool {
    ["pid", "host", "token"].iter().all(|m| member(text, m).is_some())
}

/// Takes the lock of `real` (3.2), waiting for a live holder and breaking a stale one.
pub fn acquire(real: &Path, program: &str) -> Result<Lock, Failure> {
    let mut name = real.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    let guard = PathBuf::from(format!("{}.break", path.display()));
    let start = Instant::now();
    let mut wait = Duration::from_millis(2);
    let mut watched: Option<(Seen, Instant)> = None;
    let mut renewed = false;
    let mut guard_seen: Option<(Option<Seen>, Instant)> = None;
    loop {
        match OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path) {
            Ok(mut file) => {
                let token = random_hex(16);
                let pidns = pid_namespace().map(|ns| format!(",\"pidns\":{}", json_string(&ns))).unwrap_or_default();
                let line = format!(
                    "{{\"pid\":{},\"host\":{},\"time\":\"{}\",\"program\":{},\"token\":\"{}\"{}}}\n",
                    std::process::id(), json_string(&hostname()), iso_time(std::time::SystemTime::now()),
                    json_string(program), token, pidns
                );
                file.write_all(line.as_bytes()).map_err(|e| Failure { code: 5, message: format!("cannot write the lock {}: {}", path.display(), e) })?;
                let m = file.metadata().map_err(|e| Failure { code: 5, message: format!("{}: {}", path.display(), e) })?;
                return Ok(Lock { path, _file: file, dev: m.dev(), ino: m.ino(), token });
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Failure { code: 5, message: format!("cannot create the lock {}: {}", path.display(), e) }),
        }
        let Some(seen) = look(&path) else { continue };
        let since = match &watched {
            Some((s, t)) if *s == seen => *t,
            Some(_) => { renewed = true; Instant::now() }
            None => Instant::now(),
        };
        watched = Some((seen.clone(), since));
        let unchanged = since.elapsed();
        let stale = seen.symlink
            || (seen.regular && !valid(&seen.text) && unchanged > INVALID_STALE)
            || (seen.regular && valid(&seen.text) && holder_dead(&seen.text))
            || (seen.regular && unchanged > STALE);
        if stale {
            match OpenOptions::new().write(true).create_new(true).mode(0o600).open(&guard) {
                Ok(_) => {
                    if look(&path).as_ref() == Some(&seen) {
                        let _ = fs::remove_file(&path);
                    }
                    let _ = fs::remove_file(&guard);
                    watched = None;
                    continue;
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    let g = look(&guard);
                    match &guard_seen {
                        Some((s, t)) if *s == g && t.elapsed() > GUARD_STALE => {
                            let _ = fs::remove_file(&guard);
                            guard_seen = None;
                        }
                        Some((s, _)) if *s == g => {}
                        _ => guard_seen = Some((g, Instant::now())),
                    }
                }
                Err(e) => return Err(Failure { code: 5, message: format!("cannot create {}: {}", guard.display(), e) }),
            }
        }
        let waited = start.elapsed();
        if waited > TIMEOUT && (renewed || !seen.regular || waited > TIMEOUT + STALE) {
            let holder = if valid(&seen.text) {
                format!(
                    "held by pid {} on {} ({}) since {}",
                    member(&seen.text, "pid").unwrap_or_default(),
                    member(&seen.text, "host").unwrap_or_default(),
                    member(&seen.text, "program").unwrap_or_else(|| "?".into()),
                    member(&seen.text, "time").unwrap_or_else(|| "?".into())
                )
            } else {
                "held by something that is not a lock record".to_string()
            };
            return Err(Failure {
                code: 4,
                message: format!(
                    "{} is {}; waited {:.1} s; if that process is gone, delete {}",
                    path.display(), holder, waited.as_secs_f64(), path.display()
                ),
            });
        }
        let factor = 0.5 + (random_hex(2).chars().fold(0u32, |a, c| a * 16 + c.to_digit(16).unwrap_or(0)) as f64) / 255.0 / 2.0;
        std::thread::sleep(wait.mul_f64(factor));
        wait = (wait * 2).min(Duration::from_millis(50));
    }
}

impl Lock {
    /// Whether the file at the lock's name is still this holding (3.3): same inode, same token.
    pub fn still_ours(&self) -> bool {
        match look(&self.path) {
            Some(s) => s.regular && s.dev == self.dev && s.ino == self.ino && member(&s.text, "token").as_deref() == Some(self.token.as_str()),
            None => false,
        }
    }

    /// Releases the lock (3.4): removed only when still ours.
    pub fn release(self) {
        if self.still_ours() {
            let _ = fs::remove_file(&self.path);
        }
    }
}
