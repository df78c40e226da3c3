//! strata-rs: reads a strata application's layered value, and writes one key
//! through strata's write protocol (PROTOCOL.md), from Rust.
//!
//!     strata-rs --app APP get KEY
//!     strata-rs --app APP set KEY VALUE [--type string|int|float|bool]
//!     strata-rs --file PATH set KEY VALUE [--type ...]
//!
//! Reading (TOML layers, Linux/Unix paths): the environment (`APP_KEY`, `__`
//! for nesting), the project file (`.APP.toml` in the working folder or a
//! parent, skipped when another user owns it), the user file
//! (`$XDG_CONFIG_HOME/APP/config.toml`), the system files
//! (`$XDG_CONFIG_DIRS/APP/config.toml`, `/etc/APP/config.toml`) and the
//! defaults (`$XDG_DATA_DIRS/APP/defaults.toml`); the first that has the key
//! wins. Writing goes to the user file (or `--file`): lock, re-read under
//! the lock, refuse a file that does not parse, backup (hard link), temp
//! file + fsync + rename, folder fsync, journal line, rotation, release.
//! Comments and layout of the file are kept (toml_edit).

mod lock;
mod proto;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use toml_edit::{Document, Item, Value};

/// A failure for a person: the message and strata's exit code.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

pub fn fail<T>(code: u8, message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure { code, message: message.into() })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("strata-rs: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

const USAGE: &str = "usage: strata-rs --app APP get KEY | --app APP set KEY VALUE [--type T] | --file PATH set KEY VALUE [--type T]";

fn run(args: &[String]) -> Result<u8, Failure> {
    let mut app: Option<String> = std::env::var("STRATA_APP").ok().filter(|a| !a.is_empty());
    let mut file: Option<PathBuf> = None;
    let mut kind = "string".to_string();
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let take = |i: usize| args.get(i + 1).cloned().ok_or_else(|| Failure { code: 2, message: USAGE.into() });
        match args[i].as_str() {
            "--app" => { app = Some(take(i)?); i += 1; }
            "--file" => { file = Some(PathBuf::from(take(i)?)); i += 1; }
            "--type" => { kind = take(i)?; i += 1; }
            _ => words.push(args[i].clone()),
        }
        i += 1;
    }
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["get", key] => get(app.as_deref(), file.as_deref(), key),
        ["set", key, text] => {
            let value = typed(text, &kind)?;
            let (target, layer, state_app) = match (&file, &app) {
                (Some(f), _) => (absolute(f), "file", "_file".to_string()),
                (None, Some(a)) => (proto::user_file(a)?, "user", a.clone()),
                _ => return fail(2, "no application named: pass --app NAME (or set STRATA_APP), or --file PATH"),
            };
            let path = parse_key(key)?;
            let written = proto::write_key(&target, layer, &state_app, &path, key, value)?;
            println!("{} = {}  ({}: {})", key, written, layer, target.display());
            Ok(0)
        }
        _ => fail(2, USAGE),
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) }
}

/// The value to write, from its text and the wanted type.
fn typed(text: &str, kind: &str) -> Result<Value, Failure> {
    let bad = || Failure { code: 3, message: format!("\"{}\" is not a {}: give a {} (or --type string)", text, kind, kind) };
    Ok(match kind {
        "string" => Value::from(text),
        "int" => Value::from(text.parse::<i64>().map_err(|_| bad())?),
        "float" => Value::from(text.parse::<f64>().map_err(|_| bad())?),
        "bool" => Value::from(match text { "true" => true, "false" => false, _ => return Err(bad()) }),
        _ => return fail(2, format!("--type wants string, int, float or bool, not \"{}\"", kind)),
    })
}

/// A dotted key's segments (bare segments, or "quoted" ones without escapes).
pub fn parse_key(key: &str) -> Result<Vec<String>, Failure> {
    let mut out = Vec::new();
    let mut rest = key.trim();
    loop {
        if let Some(q) = rest.strip_prefix('"') {
            let end = q.find('"').ok_or_else(|| Failure { code: 2, message: format!("key {}: an unclosed quote", key) })?;
            out.push(q[..end].to_string());
            rest = q[end + 1..].trim_start();
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let seg = rest[..end].trim();
            if seg.is_empty() || !seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return fail(2, format!("key {}: a segment is empty or needs quotes", key));
            }
            out.push(seg.to_string());
            rest = &rest[end..];
        }
        match rest.strip_prefix('.') {
            Some(r) => rest = r.trim_start(),
            None if rest.is_empty() => return Ok(out),
            None => return fail(2, format!("key {}: expected a dot after a segment", key)),
        }
    }
}

/// The item at `path` in a document, if any (through tables and inline tables).
pub fn lookup<'a>(doc: &'a Document, path: &[String]) -> Option<&'a Item> {
    let mut item = doc.as_item();
    for seg in path {
        item = item.get(seg.as_str())?;
    }
    Some(item)
}

/// A value as `strata get` prints it: a string as it is, anything else as TOML.
fn shown(item: &Item) -> String {
    match item {
        Item::Value(Value::String(s)) => s.value().clone(),
        Item::Value(v) => v.clone().decorated("", "").to_string(),
        Item::Table(t) => t.to_string().trim_end().to_string(),
        other => other.to_string().trim().to_string(),
    }
}

fn read_toml(file: &Path) -> Result<Option<Document>, Failure> {
    match std::fs::read_to_string(file) {
        Ok(text) => text.parse::<Document>().map(Some).map_err(|e| Failure {
            code: 3,
            message: format!("{} does not parse: {}; mend it with strata edit or strata restore latest", file.display(), e),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => fail(5, format!("cannot read {}: {}", file.display(), e)),
    }
}

fn get(app: Option<&str>, file: Option<&Path>, key: &str) -> Result<u8, Failure> {
    let path = parse_key(key)?;
    let files: Vec<PathBuf> = match (file, app) {
        (Some(f), _) => vec![absolute(f)],
        (None, Some(app)) => {
            let var = format!("{}_{}", app.to_uppercase().replace('-', "_"), path.join("__").to_uppercase());
            if let Ok(text) = std::env::var(&var) {
                println!("{}", text);
                return Ok(0);
            }
            proto::layer_files(app)?
        }
        _ => return fail(2, "no application named: pass --app NAME (or set STRATA_APP), or --file PATH"),
    };
    for f in files {
        if let Some(doc) = read_toml(&f)? {
            if let Some(item) = lookup(&doc, &path) {
                println!("{}", shown(item));
                return Ok(0);
            }
        }
    }
    eprintln!("strata-rs: {} is not set in any layer", key);
    Ok(1)
}
