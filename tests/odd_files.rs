//! Tool files that are not ordinary files, or that hold an enormous number
//! of problems: headway answers in one sentence and never hangs or grows.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far longer than any of these commands needs; only a hang reaches it.
/// This is a watchdog so that a regression fails instead of blocking the
/// test run for ever, not a measure of speed.
const WATCHDOG: Duration = Duration::from_secs(120);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn headway(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_headway"))
        .args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = r.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("headway {args:?} never finished");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

const VALID: &str = r#"id = "my-tool"
version = 1
title = "My tool"
area = "Testing"
[[aspects]]
id = "a"
title = "An aspect"
[[aspects.statements]]
id = "s"
text = "A statement."
"#;

fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
}

#[test]
fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("tool.toml");
    mkfifo(&fifo);
    let db = dir.path().join("h.db");
    for args in [
        vec!["tools", "check", arg(&fifo)],
        vec!["--db", arg(&db), "tools", "import", arg(&fifo)],
    ] {
        let run = headway(&args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("is a named pipe"), "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
}

#[test]
fn a_device_is_refused_instead_of_read_for_ever() {
    let run = headway(&["tools", "check", "/dev/zero"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr.trim(),
        "/dev/zero:1:1: /dev/zero is a device, not a regular file; \
         headway reads only regular files."
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let run = headway(&["--db", arg(&db), "tools", "import", "/dev/zero"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("is a device"), "{}", run.stderr);
}

#[test]
fn folders_are_refused_and_a_link_to_a_tool_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let run = headway(&["tools", "check", arg(dir.path())]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("is a folder, not a file"),
        "{}",
        run.stderr
    );
    let file = dir.path().join("real.toml");
    fs::write(&file, VALID).unwrap();
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let run = headway(&["tools", "check", arg(&link)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains(": ok:"), "{}", run.stdout);
}

#[test]
fn a_file_over_the_limit_is_refused_by_what_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    fs::write(&big, vec![b'#'; 1024 * 1024 + 1]).unwrap();
    let run = headway(&["tools", "check", arg(&big)]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("is larger than the 1 MiB limit"),
        "{}",
        run.stderr
    );
    let exact = dir.path().join("exact.toml");
    let mut bytes = VALID.as_bytes().to_vec();
    bytes.resize(1024 * 1024, b'\n');
    fs::write(&exact, bytes).unwrap();
    let run = headway(&["tools", "check", arg(&exact)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn sixty_thousand_unknown_keys_are_counted_not_all_listed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.toml");
    let mut source = String::new();
    for i in 0..60_000 {
        source.push_str(&format!("unknown{i:05} = 1\n"));
    }
    source.push_str(VALID);
    assert!(source.len() < 1024 * 1024 && source.len() > 900_000);
    fs::write(&file, &source).unwrap();
    let run = headway(&["tools", "check", arg(&file)]);
    assert_eq!(run.code, Some(1));
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 51, "{}", lines.len());
    let prefix = format!("{}:", file.display());
    assert_eq!(lines[0], format!("{prefix}1:1: unknown key `unknown00000`"));
    assert_eq!(
        lines[49],
        format!("{prefix}50:1: unknown key `unknown00049`")
    );
    assert_eq!(lines[50], format!("{prefix} ... and 59950 more problems"));
}
