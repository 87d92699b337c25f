//! The generated databases the benches measure, the settings read from the
//! environment, and commands timed together with their peak memory.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The release binary cargo built for this bench run.
pub const HEADWAY: &str = env!("CARGO_BIN_EXE_headway");

/// The generator's seed: every run measures the same files.
pub const SEED: u64 = 2026;

/// Bumped whenever the generator's shape changes, so an older file kept in
/// HEADWAY_BENCH_DIR is not reused. 2: cycles end at the day, old plans closed;
/// 3: check-ins at each cadence, none before work starts, rows stamped on their days.
const GENERATOR_SHAPE: u32 = 3;

/// School counts to measure: `HEADWAY_BENCH_SCHOOLS=1,20,500` (the default).
pub fn school_counts() -> Vec<u32> {
    let Ok(text) = std::env::var("HEADWAY_BENCH_SCHOOLS") else {
        return vec![1, 20, 500];
    };
    let mut counts = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<u32>() {
            Ok(n) if n > 0 => counts.push(n),
            _ => eprintln!("HEADWAY_BENCH_SCHOOLS: {part:?} is not a number of schools; left out"),
        }
    }
    counts
}

/// How many times a cheap measurement is repeated (the median is
/// reported): `HEADWAY_BENCH_REPS`, else 5 up to 20 schools and 2 above,
/// where each start takes seconds.
pub fn repetitions(schools: u32) -> usize {
    std::env::var("HEADWAY_BENCH_REPS")
        .ok()
        .and_then(|r| r.parse::<usize>().ok())
        .filter(|&r| r > 0)
        .unwrap_or(if schools <= 20 { 5 } else { 2 })
}

/// The longest one step may take before it is given up:
/// `HEADWAY_BENCH_TIMEOUT` in seconds, else `default`.
pub fn step_limit(default: Duration) -> Duration {
    std::env::var("HEADWAY_BENCH_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map_or(default, Duration::from_secs_f64)
}

/// The targets are set for a liaison's file (20 schools) and a
/// trust's (500); a count in between is held to the trust's.
pub fn for_size<T>(schools: u32, liaison: T, trust: T) -> T {
    if schools <= 20 {
        liaison
    } else {
        trust
    }
}

/// Where the generated databases live, and scratch folders for new
/// databases and outputs.
pub struct Databases {
    root: PathBuf,
    scratch: tempfile::TempDir,
    /// Set when no cache folder was given: the databases go with the run.
    _owned: Option<tempfile::TempDir>,
}

impl Databases {
    /// Databases are kept in `HEADWAY_BENCH_DIR` when it is set, so a later
    /// run reuses them; otherwise they are generated into a temporary
    /// folder removed at the end of the run.
    pub fn new() -> Databases {
        let scratch = tempfile::tempdir().expect("a temporary folder");
        match std::env::var_os("HEADWAY_BENCH_DIR") {
            Some(dir) => {
                let root = PathBuf::from(dir);
                std::fs::create_dir_all(&root).expect("HEADWAY_BENCH_DIR can be created");
                Databases {
                    root,
                    scratch,
                    _owned: None,
                }
            }
            None => {
                let owned = tempfile::tempdir().expect("a temporary folder");
                Databases {
                    root: owned.path().to_path_buf(),
                    scratch,
                    _owned: Some(owned),
                }
            }
        }
    }

    /// The generated file of `schools` schools, alone in its folder so the
    /// backups beside it are its own. Generated on first use.
    pub fn generated(&self, schools: u32) -> Result<PathBuf, String> {
        // The generator makes a file as of today, and its shape has changed
        // before: a file is reused only by the same generator on the same day.
        let today = jiff::Zoned::now().date();
        let name = format!("schools-{schools}-seed-{SEED}-shape-{GENERATOR_SHAPE}-as-of-{today}");
        let db = self.root.join(&name).join("headway.db");
        if db.is_file() {
            println!(
                "{schools} schools: reusing {} ({})",
                db.display(),
                size_of(&db)
            );
            return Ok(db);
        }
        // Written in a folder of its own and renamed when whole, so an
        // interrupted run never leaves a half file to be reused.
        let partial = self.root.join(format!("{name}.partial"));
        let _ = std::fs::remove_dir_all(&partial);
        std::fs::create_dir_all(&partial).map_err(|e| format!("{}: {e}", partial.display()))?;
        let out = self.scratch_file(&format!("generate-{schools}.out"));
        let db_arg = partial.join("headway.db");
        let count = schools.to_string();
        let seed = SEED.to_string();
        let args = [
            "generate",
            "--schools",
            &count,
            "--seed",
            &seed,
            "--db",
            path_str(&db_arg),
        ];
        let run = timed(HEADWAY, &args, None, &out, Duration::from_secs(1800))?;
        std::fs::rename(&partial, self.root.join(&name))
            .map_err(|e| format!("{}: {e}", partial.display()))?;
        println!(
            "{schools} schools: generated in {:.2} s ({})",
            run.elapsed.as_secs_f64(),
            size_of(&db)
        );
        Ok(db)
    }

    /// A new empty folder that goes with the run.
    pub fn scratch_dir(&self, name: &str) -> PathBuf {
        let dir = self.scratch.path().join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    }

    /// A path for an output file that goes with the run.
    pub fn scratch_file(&self, name: &str) -> PathBuf {
        self.scratch.path().join(name)
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("bench paths are UTF-8")
}

fn size_of(path: &Path) -> String {
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// How a command went.
pub struct Finished {
    pub elapsed: Duration,
    /// Peak resident memory of the process, in bytes.
    pub peak_memory: u64,
    /// Bytes it wrote to standard output.
    pub output: u64,
}

/// Runs a program to the end with standard output in `stdout` (and
/// standard input from `stdin`), timing it from spawn to exit and reading
/// its peak memory from the kernel. It is killed after `limit`. A program
/// that fails is an error naming the first lines it printed on stderr.
pub fn timed(
    program: &str,
    args: &[&str],
    stdin: Option<&Path>,
    stdout: &Path,
    limit: Duration,
) -> Result<Finished, String> {
    let out = File::create(stdout).map_err(|e| format!("{}: {e}", stdout.display()))?;
    let err_path = stdout.with_extension("stderr");
    let err = File::create(&err_path).map_err(|e| format!("{}: {e}", err_path.display()))?;
    let input = match stdin {
        Some(path) => {
            Stdio::from(File::open(path).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => Stdio::null(),
    };
    let name = Path::new(program)
        .file_name()
        .map_or(program.to_string(), |n| n.to_string_lossy().into_owned());
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY")
        .stdin(input)
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("{name} could not start: {e}"))?;
    let pid = child.id() as libc::pid_t;
    // Kills the program if it is still running after `limit`.
    let (finished, watch) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if watch.recv_timeout(limit) == Err(mpsc::RecvTimeoutError::Timeout) {
            // SAFETY: kill(2) with a pid this process spawned and has not
            // reaped yet (the wait below is still blocked on it).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            return true;
        }
        false
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4(2) on our own child with valid pointers. It reaps
        // the child; `child` is then only dropped, never waited on.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("waiting for {name}: {e}"));
        }
    }
    let elapsed = start.elapsed();
    drop(child);
    let _ = finished.send(());
    if watchdog.join().unwrap_or(false) {
        return Err(format!(
            "{name} was stopped after {:.0} s",
            limit.as_secs_f64()
        ));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        let said = std::fs::read_to_string(&err_path).unwrap_or_default();
        let said: Vec<&str> = said.lines().take(3).collect();
        return Err(format!(
            "{name} {} failed (status {status}): {}",
            args.join(" "),
            said.join(" / ")
        ));
    }
    Ok(Finished {
        elapsed,
        // ru_maxrss is in kilobytes on Linux.
        peak_memory: usage.ru_maxrss as u64 * 1024,
        output: std::fs::metadata(stdout).map_or(0, |m| m.len()),
    })
}

/// Whether a program can be found on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
