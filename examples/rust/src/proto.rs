//! Places (PROTOCOL.md section 2) and the write of one key (section 5),
//! with backups (2.5, 8) and the journal (6).

use crate::lock;
use crate::{fail, Failure};
use std::ffi::CStr;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};
use toml_edit::{Document, Item, Value};

const PROGRAM: &str = "strata-rs";
const KEEP_BACKUPS: usize = 20;

fn io(what: &str, path: &Path, e: std::io::Error) -> Failure {
    Failure { code: 5, message: format!("{} {}: {}", what, path.display(), e) }
}

fn env_dir(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).map(PathBuf::from).filter(|p| p.is_absolute())
}

fn home() -> Result<PathBuf, Failure> {
    env_dir("HOME").ok_or_else(|| Failure { code: 2, message: "HOME is not set (or not absolute): set HOME or XDG_CONFIG_HOME".into() })
}

fn env_list(name: &str, default: &[&str]) -> Vec<PathBuf> {
    let found: Vec<PathBuf> = std::env::var(name).unwrap_or_default().split(':').map(PathBuf::from).filter(|p| p.is_absolute()).collect();
    if found.is_empty() { default.iter().map(PathBuf::from).collect() } else { found }
}

/// The user layer's file of `app`.
pub fn user_file(app: &str) -> Result<PathBuf, Failure> {
    let base = match env_dir("XDG_CONFIG_HOME") { Some(d) => d, None => home()?.join(".config") };
    Ok(base.join(app).join("config.toml"))
}

fn my_uid() -> u32 {
    unsafe { libc::getuid() }
}

/// The layer files of `app`, top first: project, user, system, defaults.
pub fn layer_files(app: &str) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    let mut dir = std::env::current_dir().ok();
    while let Some(d) = dir {
        let candidate = d.join(format!(".{}.toml", app));
        if let Ok(m) = fs::metadata(&candidate) {
            // Another user's project file is not used (PROTOCOL.md 7.3).
            if m.is_file() && (m.uid() == my_uid() || m.uid() == 0) {
                files.push(candidate);
                break;
            }
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    if let Ok(user) = user_file(app) { files.push(user); }
    let mut system: Vec<PathBuf> = env_list("XDG_CONFIG_DIRS", &["/etc/xdg"]).into_iter().map(|d| d.join(app)).collect();
    let etc = PathBuf::from("/etc").join(app);
    if !system.contains(&etc) { system.push(etc); }
    files.extend(system.into_iter().map(|d| d.join("config.toml")));
    files.extend(env_list("XDG_DATA_DIRS", &["/usr/local/share", "/usr/share"]).into_iter().map(|d| d.join(app).join("defaults.toml")));
    Ok(files)
}

/// The one shared state dir (2.4): keyed by the file's identity, whatever application names it.
fn state_dir(_app: &str) -> Result<PathBuf, Failure> {
    let base = match env_dir("XDG_STATE_HOME") { Some(d) => d, None => home()?.join(".local").join("state") };
    Ok(base.join("strata").join("_shared"))
}

/// 32-bit FNV-1a, 8 hex digits (2.3).
pub fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u32 = 0x811c9dc5;
    for b in bytes {
        h ^= *b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    format!("{:08x}", h)
}

/// The real file behind `target` (2.1): links followed by hand, another user's link refused.
fn real_file(target: &Path) -> Result<PathBuf, Failure> {
    let mut path = target.to_path_buf();
    let mut seen = Vec::new();
    loop {
        let Ok(m) = fs::symlink_metadata(&path) else { return Ok(path) };
        if !m.file_type().is_symlink() { return Ok(path); }
        if m.uid() != my_uid() && m.uid() != 0 {
            return fail(5, format!("{} is a symbolic link owned by another user: not followed, nothing written", path.display()));
        }
        if seen.contains(&path) || seen.len() > 40 {
            return fail(5, format!("{}: a loop of symbolic links; nothing written", target.display()));
        }
        seen.push(path.clone());
        let link = fs::read_link(&path).map_err(|e| io("cannot read the link", &path, e))?;
        path = path.parent().unwrap_or(Path::new("/")).join(link);
    }
}

fn make_dirs(dir: &Path) -> Result<(), Failure> {
    DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| io("cannot create the folder", dir, e))
}

/// A real folder (not a link) at `dir`, created 0700 when missing (2.4).
fn real_dir(dir: &Path) -> Result<(), Failure> {
    make_dirs(dir)?;
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        _ => fail(5, format!("{} is not a real folder: nothing written", dir.display())),
    }
}

/// Random hex digits from the kernel.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if let Ok(mut f) = File::open("/dev/urandom") { let _ = f.read_exact(&mut buf); }
    buf.iter().map(|b| format!("{:02x}", b)).collect()
}

pub fn hostname() -> String {
    let mut buf = [0 as libc::c_char; 256];
    if unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len()) } != 0 { return String::new(); }
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

pub fn pid_namespace() -> Option<String> {
    fs::read_link("/proc/self/ns/pid").ok().map(|p| p.to_string_lossy().into_owned())
}

/// `(year, month, day)` of a count of days since 1970-01-01 (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + if m <= 2 { 1 } else { 0 }, m, d)
}

fn parts(ms: i64) -> (i64, u32, u32, i64, i64, i64, i64) {
    let (y, mo, d) = civil(ms.div_euclid(86_400_000));
    let rest = ms.rem_euclid(86_400_000);
    (y, mo, d, rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000)
}

fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// ISO 8601 UTC with milliseconds: `2026-11-26T00:01:54.725Z`.
pub fn iso_time(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s, ms) = parts(millis(t));
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, mo, d, h, mi, s, ms)
}

/// A backup name's time part: `20261126T000154.725Z`.
fn backup_time(ms: i64) -> String {
    let (y, mo, d, h, mi, s, ms) = parts(ms);
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z", y, mo, d, h, mi, s, ms)
}

fn parse_backup_time(name: &str) -> Option<i64> {
    let t = name.get(0..20)?;
    let num = |a: usize, b: usize| t.get(a..b)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, s, ms) = (num(0, 4)?, num(4, 6)?, num(6, 8)?, num(9, 11)?, num(11, 13)?, num(13, 15)?, num(16, 19)?);
    // Days from civil (the inverse of `civil`).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms)
}

pub fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML value as JSON (section 6: integers beyond 2^53 and date-times as strings).
fn json_value(v: &Value) -> String {
    match v {
        Value::String(s) => json_string(s.value()),
        Value::Integer(i) => {
            let n = *i.value();
            if n.unsigned_abs() <= 1 << 53 { n.to_string() } else { json_string(&n.to_string()) }
        }
        Value::Float(f) => {
            let x = *f.value();
            if x.is_finite() { format!("{:?}", x).trim_end_matches(".0").to_string() } else { "null".into() }
        }
        Value::Boolean(b) => b.value().to_string(),
        Value::Datetime(d) => json_string(&d.value().to_string()),
        Value::Array(a) => format!("[{}]", a.iter().map(json_value).collect::<Vec<_>>().join(",")),
        Value::InlineTable(t) => format!("{{{}}}", t.iter().map(|(k, v)| format!("{}:{}", json_string(k), json_value(v))).collect::<Vec<_>>().join(",")),
    }
}

fn json_item(item: &Item) -> Option<String> {
    match item {
        Item::Value(v) => Some(json_value(v)),
        Item::Table(t) => Some(format!("{{{}}}", t.iter().filter_map(|(k, v)| json_item(v).map(|j| format!("{}:{}", json_string(k), j))).collect::<Vec<_>>().join(","))),
        _ => None,
    }
}

/// Sets `path` to `value` in `doc`, keeping the old value's comments; the old item, if any.
fn apply(doc: &mut Document, path: &[String], key: &str, value: Value) -> Result<Option<Item>, Failure> {
    // A file of comments only: toml_edit keeps them after the last key; keep them first.
    let lead = if doc.as_table().is_empty() { doc.trailing().to_string() } else { String::new() };
    let old = set_in(doc, path, key, value)?;
    if !lead.is_empty() {
        doc.set_trailing("");
        let first = path[0].as_str();
        let table = doc.as_table_mut();
        if table.get(first).map(|i| i.is_table()).unwrap_or(false) {
            table[first].as_table_mut().map(|t| t.decor_mut().set_prefix(lead.clone()));
        } else if let Some(d) = table.key_decor_mut(first) {
            d.set_prefix(lead);
        }
    }
    Ok(old)
}

fn set_in(doc: &mut Document, path: &[String], key: &str, value: Value) -> Result<Option<Item>, Failure> {
    let mut item = doc.as_item_mut();
    for seg in &path[..path.len() - 1] {
        if !(item.is_table_like() || item.is_none()) {
            return fail(3, format!("cannot set {}: {} holds a value, not a table", key, seg));
        }
        item = &mut item[seg.as_str()];
    }
    if !(item.is_table_like() || item.is_none()) {
        return fail(3, format!("cannot set {}: its parent holds a value, not a table", key));
    }
    let slot = &mut item[path[path.len() - 1].as_str()];
    let old = if slot.is_none() { None } else { Some(slot.clone()) };
    let mut value = value;
    if let Item::Value(prev) = slot {
        *value.decor_mut() = prev.decor().clone();
    }
    if let Some(t) = slot.as_table_like() {
        if !t.is_empty() { return fail(3, format!("cannot set {}: it is a table; set its keys instead", key)); }
    }
    *slot = Item::Value(value);
    Ok(old)
}

fn fsync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) { let _ = d.sync_all(); }
}

/// Keeps the newest `KEEP_BACKUPS` (and the newest older one that parses when none kept parses).
fn rotate(folder: &Path) {
    let Ok(entries) = fs::read_dir(folder) else { return };
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| !n.starts_with('.')).collect();
    names.sort();
    names.reverse();
    if names.len() <= KEEP_BACKUPS { return; }
    let parses = |n: &String| fs::read_to_string(folder.join(n)).ok().map(|t| t.parse::<Document>().is_ok()).unwrap_or(false);
    let mut keep_extra: Option<String> = None;
    if !names[..KEEP_BACKUPS].iter().any(parses) {
        keep_extra = names[KEEP_BACKUPS..].iter().find(|n| parses(n)).cloned();
    }
    for n in &names[KEEP_BACKUPS..] {
        if Some(n) != keep_extra.as_ref() { let _ = fs::remove_file(folder.join(n)); }
    }
}

struct Written {
    backup: Option<(PathBuf, String)>,
    old: Option<Item>,
    shown: String,
    changed: bool,
}

/// Writes `key` = `value` into `target` through the protocol; the value as written.
pub fn write_key(target: &Path, layer: &str, app: &str, path: &[String], key: &str, value: Value) -> Result<String, Failure> {
    let real = real_file(target)?;
    let name = real.file_name().ok_or_else(|| Failure { code: 2, message: format!("{} names no file", real.display()) })?.to_owned();
    if name.len() > 233 { return fail(2, format!("{}: a file name longer than 233 bytes is not written", real.display())); }
    let dir = real.parent().unwrap_or(Path::new("/")).to_path_buf();
    make_dirs(&dir)?;
    let identity = fs::canonicalize(&dir).map(|d| d.join(&name)).unwrap_or_else(|_| real.clone());
    let state_key = format!("{}-{}", name.to_string_lossy(), fnv1a(identity.as_os_str().as_bytes()));
    let state = state_dir(app)?;
    let lock = lock::acquire(&real, PROGRAM)?;
    let result = write_locked(&lock, &real, &dir, &name, &state, &state_key, path, key, value);
    let outcome = match result {
        Ok(w) => {
            if w.changed {
                let time = iso_time(SystemTime::now());
                let old = w.old.as_ref().and_then(json_item).map(|j| format!(",\"old\":{}", j)).unwrap_or_default();
                let backup = w.backup.as_ref().map(|(_, id)| format!(",\"backup\":{}", json_string(id))).unwrap_or_default();
                let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| my_uid().to_string());
                let line = format!(
                    "{{\"time\":\"{}\",\"file\":{},\"layer\":\"{}\",\"program\":\"{}\",\"user\":{},\"pid\":{},\"host\":{}{},\"key\":{}{},\"new\":{}}}\n",
                    time, json_string(&real.to_string_lossy()), layer, PROGRAM, json_string(&user), std::process::id(),
                    json_string(&hostname()), backup, json_string(key), old, w.shown_json()
                );
                if let Err(e) = append_journal(&state.join("journal"), &format!("{}.ndjson", state_key), &line) {
                    eprintln!("strata-rs: warning: the journal was not written: {}", e.message);
                }
            }
            Ok(w.shown)
        }
        Err(f) => Err(f),
    };
    lock.release();
    outcome
}

impl Written {
    fn shown_json(&self) -> String {
        self.shown.parse::<Value>().map(|v| json_value(&v)).unwrap_or_else(|_| json_string(&self.shown))
    }
}

#[allow(clippy::too_many_arguments)]
fn write_locked(
    lock: &lock::Lock, real: &Path, dir: &Path, name: &std::ffi::OsStr, state: &Path, state_key: &str,
    path: &[String], key: &str, value: Value,
) -> Result<Written, Failure> {
    // 3. Re-read under the lock.
    let (bytes, meta) = match fs::symlink_metadata(real) {
        Ok(m) if !m.is_file() => return fail(5, format!("{} is not a regular file: nothing written", real.display())),
        Ok(m) => (fs::read(real).map_err(|e| io("cannot read", real, e))?, Some(m)),
        Err(e) if e.kind() == ErrorKind::NotFound => (Vec::new(), None),
        Err(e) => return Err(io("cannot read", real, e)),
    };
    if let Some(m) = &meta {
        let c = std::ffi::CString::new(real.as_os_str().as_bytes()).unwrap_or_default();
        if unsafe { libc::access(c.as_ptr(), libc::W_OK) } != 0 {
            return fail(5, format!("permission denied: {} is not writable by you; nothing written", real.display()));
        }
        if m.uid() != my_uid() && my_uid() != 0 {
            return fail(5, format!("{} belongs to another user: nothing written", real.display()));
        }
    }
    // 4. Refuse what does not parse; apply the change to what is on disk now.
    let text = String::from_utf8(bytes.clone()).map_err(|_| Failure { code: 3, message: format!("{} is not UTF-8 text: mend it with strata edit or strata restore latest", real.display()) })?;
    let (bom, body) = match text.strip_prefix('\u{feff}') { Some(b) => ("\u{feff}", b), None => ("", text.as_str()) };
    let mut doc = body.parse::<Document>().map_err(|e| Failure {
        code: 3,
        message: format!("{} does not parse ({}); nothing written: mend it with strata edit or strata restore latest", real.display(), one_line(&e.to_string())),
    })?;
    let shown = value.clone().decorated("", "").to_string();
    let old = apply(&mut doc, path, key, value)?;
    let new_text = format!("{}{}", bom, doc);
    if new_text == text {
        return Ok(Written { backup: None, old, shown, changed: false });
    }
    // 5. Back up the current version (a hard link).
    let mut backup = None;
    if let Some(m) = &meta {
        let folder = state.join("backups").join(state_key);
        real_dir(&state.join("backups"))?;
        real_dir(&folder)?;
        let newest = fs::read_dir(&folder).map_err(|e| io("cannot list", &folder, e))?
            .filter_map(|e| e.ok()).filter_map(|e| parse_backup_time(&e.file_name().to_string_lossy())).max();
        let ms = millis(SystemTime::now()).max(newest.map(|n| n + 1).unwrap_or(0));
        let ext = real.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
        let id = format!("{}-{}", backup_time(ms), std::process::id());
        let file = folder.join(format!("{}{}", id, ext));
        let linked = m.nlink() == 1 && fs::hard_link(real, &file).is_ok();
        if !linked {
            let tmp = folder.join(format!(".{}.{}.tmp", id, random_hex(4)));
            let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp).map_err(|e| io("cannot create", &tmp, e))?;
            f.write_all(&bytes).and_then(|_| f.sync_all()).map_err(|e| { let _ = fs::remove_file(&tmp); io("cannot write", &tmp, e) })?;
            fs::rename(&tmp, &file).map_err(|e| io("cannot rename", &tmp, e))?;
        }
        backup = Some((file, id));
    }
    let undo_backup = |b: &Option<(PathBuf, String)>| if let Some((f, _)) = b { let _ = fs::remove_file(f); };
    // 6. The temp file: 0600, the old file's mode, all bytes, fsync.
    let tmp = dir.join(format!(".{}.{}.{}.tmp", name.to_string_lossy(), std::process::id(), random_hex(4)));
    let step = (|| -> Result<(), Failure> {
        let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp).map_err(|e| io("cannot create", &tmp, e))?;
        f.write_all(new_text.as_bytes()).map_err(|e| io("cannot write", &tmp, e))?;
        if let Some(m) = &meta {
            f.set_permissions(fs::Permissions::from_mode(m.mode() & 0o7777)).map_err(|e| io("cannot set the mode of", &tmp, e))?;
        }
        f.sync_all().map_err(|e| io("cannot fsync", &tmp, e))?;
        drop(f);
        // 7. Check the lock is still ours, then rename.
        if !lock.still_ours() {
            return fail(4, format!("this writer's lock was broken by another writer while it worked ({}); nothing was written: run it again", lock.path.display()));
        }
        fs::rename(&tmp, real).map_err(|e| io("cannot rename over", real, e))
    })();
    if let Err(f) = step {
        let _ = fs::remove_file(&tmp);
        undo_backup(&backup);
        return Err(f);
    }
    // 8. fsync the folder; the write is done: rotate.
    fsync_dir(dir);
    if let Some((file, _)) = &backup { rotate(file.parent().unwrap_or(dir)); }
    Ok(Written { backup, old, shown, changed: true })
}

/// toml_edit's parse error on one line: "line 1, column 7: Unexpected end of input; Expected `]`".
fn one_line(error: &str) -> String {
    let mut lines = error.lines();
    let head = lines.next().unwrap_or("").trim_start_matches("TOML parse error at ").to_string();
    let rest: Vec<&str> = lines
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.split(" |").next().map(|n| n.chars().all(|c| c.is_ascii_digit())).unwrap_or(false))
        .collect();
    if rest.is_empty() { head } else { format!("{}: {}", head, rest.join("; ")) }
}

/// Appends one journal line in one write (6), after a `\n` when the last line is torn.
fn append_journal(folder: &Path, name: &str, line: &str) -> Result<(), Failure> {
    real_dir(folder)?;
    let file = folder.join(name);
    let mut f = OpenOptions::new().append(true).create(true).mode(0o600).custom_flags(libc::O_NOFOLLOW).open(&file).map_err(|e| io("cannot open", &file, e))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut text = String::new();
    if size > 0 {
        let mut last = [0u8; 1];
        let r = File::open(&file).and_then(|mut g| { use std::io::Seek; g.seek(std::io::SeekFrom::End(-1))?; g.read_exact(&mut last) });
        if r.is_ok() && last[0] != b'\n' { text.push('\n'); }
    }
    text.push_str(line);
    if let Err(e) = f.write_all(text.as_bytes()) {
        let _ = f.set_len(size);
        return Err(io("cannot append to", &file, e));
    }
    Ok(())
}
