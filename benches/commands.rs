//! Command-line commands on generated databases, each timed beside a floor
//! run in the same bench on the same file:
//!
//! - `headway checkin --list` beside `sqlite3 FILE` running the agenda's
//!   query (open accepted actions, each with its latest check-in through
//!   the `checkins_by_action` index, and its school);
//! - `headway export --format json` beside `sqlite3 -json FILE` dumping
//!   the tables the export covers, and its peak memory;
//! - `headway find phonics` beside `fzf --filter phonics` (when fzf is
//!   installed) and `grep -c -i phonics`, both over a dump of the same
//!   items, one a line;
//! - `headway report --across --format csv` beside `sqlite3 FILE` reading
//!   the rows it is made from (every series' newest two evaluations with
//!   their levels, and each school's plan counts).
//!
//! Every process is timed from spawn to exit, its peak memory read from
//! the kernel (wait4). Run with `cargo bench --bench commands`; the
//! settings are those of the screens bench (HEADWAY_BENCH_SCHOOLS,
//! HEADWAY_BENCH_REPS, HEADWAY_BENCH_TIMEOUT, HEADWAY_BENCH_DIR).

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use support::data::{self, for_size, on_path, path_str, timed, Databases, Finished, HEADWAY};
use support::report::{self, median, Amount, Target};

/// The agenda `checkin --list` prints, as one query.
const AGENDA: &str = "SELECT s.name, e.scope, e.cycle, a.title, a.owner, a.checker, a.cadence, \
     a.due_date, (SELECT max(c.checked_on) FROM checkins c WHERE c.action_uuid = a.uuid) \
     FROM actions a JOIN evaluations e ON e.uuid = a.evaluation_uuid \
     JOIN schools s ON s.uuid = e.school_uuid \
     WHERE a.stage = 'accepted' AND a.status NOT IN ('done', 'dropped');";

/// The tables `export --format json` writes.
const EXPORTED: &[&str] = &[
    "schools",
    "tools",
    "evaluations",
    "judgements",
    "actions",
    "action_statements",
    "milestones",
    "checkins",
    "revisions",
];

const QUERY: &str = "phonics";

/// The rows the report across schools is made from, as the floor reads
/// them: each series' newest two evaluations with their levels, then the
/// open actions' counts by school.
const ACROSS: &str = "WITH ranked AS (SELECT e.uuid, e.school_uuid, \
     row_number() OVER (PARTITION BY e.school_uuid, e.tool_id, lower(trim(e.scope)) \
     ORDER BY e.created_at DESC, e.rowid DESC) AS n FROM evaluations e \
     WHERE e.removed_at IS NULL) \
     SELECT r.uuid, r.n, j.statement_key, j.level FROM ranked r \
     JOIN judgements j ON j.evaluation_uuid = r.uuid \
     WHERE r.n <= 2 AND j.level IS NOT NULL; \
     SELECT e.school_uuid, count(a.uuid) FROM actions a \
     JOIN evaluations e ON e.uuid = a.evaluation_uuid \
     WHERE a.stage = 'accepted' AND a.status IN ('not started', 'in progress') \
     GROUP BY e.school_uuid;";

fn main() {
    let databases = Databases::new();
    for schools in data::school_counts() {
        let db = match databases.generated(schools) {
            Ok(db) => db,
            Err(e) => {
                println!("{schools} schools: no database, so no measurements: {e}");
                continue;
            }
        };
        let bench = Bench {
            databases: &databases,
            db,
            schools,
            reps: data::repetitions(schools),
            limit: data::step_limit(Duration::from_secs(120)),
        };
        report::section(&format!(
            "commands: {schools} schools, median of {} runs each",
            bench.reps
        ));
        bench.checkin_list();
        bench.export();
        bench.find();
        bench.across();
        bench.rollup();
    }
}

/// The rows a roll-up carries, copied by SQLite alone from the attached
/// generated file `g` into an empty trust file: the floor for taking in
/// every school's roll-up.
const ROLLUP_FLOOR: &str = "ATTACH DATABASE ?1 AS g; BEGIN;
     INSERT OR IGNORE INTO tools SELECT * FROM g.tools;
     INSERT INTO schools SELECT * FROM g.schools;
     CREATE TEMP TABLE newest AS
         SELECT uuid FROM (SELECT uuid, row_number() OVER (
             PARTITION BY school_uuid, tool_id, lower(trim(scope))
             ORDER BY created_at DESC) AS n FROM g.evaluations WHERE removed_at IS NULL)
         WHERE n <= 2;
     CREATE TEMP TABLE picked AS
         SELECT uuid, evaluation_uuid FROM g.actions WHERE stage = 'accepted'
         AND (status IN ('not started', 'in progress')
              OR evaluation_uuid IN (SELECT uuid FROM newest));
     INSERT INTO evaluations SELECT * FROM g.evaluations WHERE uuid IN (SELECT uuid FROM newest)
         OR uuid IN (SELECT evaluation_uuid FROM picked);
     INSERT INTO judgements SELECT * FROM g.judgements
         WHERE evaluation_uuid IN (SELECT uuid FROM newest);
     INSERT INTO actions SELECT * FROM g.actions WHERE uuid IN (SELECT uuid FROM picked);
     INSERT INTO action_statements SELECT * FROM g.action_statements
         WHERE action_uuid IN (SELECT uuid FROM picked);
     INSERT INTO milestones SELECT * FROM g.milestones
         WHERE action_uuid IN (SELECT uuid FROM picked);
     INSERT INTO checkins SELECT * FROM g.checkins
         WHERE action_uuid IN (SELECT uuid FROM picked);
     COMMIT;";

struct Bench<'a> {
    databases: &'a Databases,
    db: PathBuf,
    schools: u32,
    reps: usize,
    limit: Duration,
}

/// Repeated runs of one command.
struct Runs {
    time: Duration,
    /// The highest peak memory of any run.
    peak_memory: u64,
    output: u64,
}

impl Bench<'_> {
    fn checkin_list(&self) {
        let what = "checkin --list";
        let target = for_size(
            self.schools,
            Target::AtMost(Amount::Time(Duration::from_millis(20))),
            Target::None,
        );
        let Some(runs) = self.headway(what, &["checkin", "--list"], target) else {
            return;
        };
        let floor = self.sqlite(&[path_str(&self.db), AGENDA]);
        print_time(what, &runs, floor.as_ref(), target);
        report::note(&format!(
            "floor: sqlite3 FILE running the agenda as one query (open accepted actions, \
             latest check-in each by index); {} bytes printed against {}",
            runs.output,
            floor.as_ref().map_or("-".into(), |f| f.output.to_string())
        ));
    }

    fn export(&self) {
        let what = "export --format json";
        let target = Target::RatioBelow(2.0);
        let Some(runs) = self.headway(what, &["export", "--format", "json"], target) else {
            return;
        };
        let dump = EXPORTED
            .iter()
            .map(|t| format!("SELECT * FROM {t};"))
            .collect::<String>();
        let floor = self.sqlite(&["-json", path_str(&self.db), &dump]);
        print_time(what, &runs, floor.as_ref(), target);
        report::line(
            "export --format json, peak memory",
            Amount::Memory(runs.peak_memory),
            floor.as_ref().map(|f| Amount::Memory(f.peak_memory)),
            Target::AtMost(Amount::Memory(50_000_000)),
        );
        report::note(&format!(
            "floor: sqlite3 -json FILE 'SELECT * FROM ...' over {}; JSON of {} against {}",
            EXPORTED.join(", "),
            Amount::Bytes(runs.output),
            floor
                .as_ref()
                .map_or("-".into(), |f| Amount::Bytes(f.output).to_string())
        ));
    }

    fn across(&self) {
        let what = "report --across --format csv";
        let target = Target::RatioBelow(3.0);
        let Some(runs) = self.headway(what, &["report", "--across", "--format", "csv"], target)
        else {
            return;
        };
        let floor = self.sqlite(&[path_str(&self.db), ACROSS]);
        print_time(what, &runs, floor.as_ref(), target);
        report::line(
            "report --across, peak memory",
            Amount::Memory(runs.peak_memory),
            None,
            Target::AtMost(Amount::Memory(100_000_000)),
        );
        report::note(&format!(
            "floor: sqlite3 FILE reading the levels of every series' newest two evaluations \
             and the open actions by school; {} of CSV",
            Amount::Bytes(runs.output)
        ));
    }

    /// A trust's file made from every school's roll-up: the roll-ups
    /// written (once), taken into an empty file, and the report across
    /// schools drawn from it.
    fn rollup(&self) {
        let what = "rollup FOLDER (every school's roll-up into a trust's file)";
        let target = for_size(
            self.schools,
            Target::AtMost(Amount::Time(Duration::from_secs(10))),
            Target::AtMost(Amount::Time(Duration::from_secs(60))),
        );
        let folder = self
            .databases
            .scratch_dir(&format!("rollups-{}", self.schools));
        let out = self.databases.scratch_file("rollup.out");
        let wrote = timed(
            HEADWAY,
            &[
                "--db",
                path_str(&self.db),
                "rollup",
                "--write",
                path_str(&folder),
            ],
            None,
            &out,
            self.limit,
        );
        let wrote = match wrote {
            Ok(w) => w,
            Err(e) => {
                report::missing(what, target, &format!("the roll-ups were not written: {e}"));
                return;
            }
        };
        let bytes: u64 = std::fs::read_dir(&folder)
            .map(|d| {
                d.filter_map(|e| e.ok()?.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        report::line(
            "rollup --write (every school's roll-up)",
            Amount::Time(wrote.elapsed),
            None,
            Target::None,
        );
        // An empty trust's file for each run, made before the clock starts:
        // importing a shipped tool makes the file and adds nothing to it.
        let trust = self.databases.scratch_file("trust.db");
        let shipped_tool = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/tools/curriculum-sequencing.toml"
        );
        let fresh = |path: &Path| -> Result<(), String> {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            timed(
                HEADWAY,
                &["--db", path_str(path), "tools", "import", shipped_tool],
                None,
                &out,
                self.limit,
            )
            .map(|_| ())
        };
        let mut taken: Vec<Finished> = Vec::new();
        for _ in 0..self.reps.min(3) {
            if let Err(e) = fresh(&trust) {
                report::missing(what, target, &e);
                return;
            }
            match timed(
                HEADWAY,
                &["--db", path_str(&trust), "rollup", path_str(&folder)],
                None,
                &out,
                self.limit,
            ) {
                Ok(run) => taken.push(run),
                Err(e) => {
                    report::missing(what, target, &e);
                    return;
                }
            }
        }
        let runs = Runs {
            time: median(&taken.iter().map(|r| r.elapsed).collect::<Vec<_>>()).unwrap_or_default(),
            peak_memory: taken.iter().map(|r| r.peak_memory).max().unwrap_or(0),
            output: 0,
        };
        let floor_file = self.databases.scratch_file("trust-floor.db");
        let floor = fresh(&floor_file).ok().and_then(|()| {
            let sql = ROLLUP_FLOOR.replacen("?1", &format!("'{}'", path_str(&self.db)), 1);
            on_path("sqlite3")
                .then(|| {
                    timed(
                        "sqlite3",
                        &[path_str(&floor_file), &sql],
                        None,
                        &out,
                        self.limit,
                    )
                })
                .and_then(Result::ok)
        });
        let floor = floor.map(|f| Runs {
            time: f.elapsed,
            peak_memory: f.peak_memory,
            output: 0,
        });
        print_time(what, &runs, floor.as_ref(), target);
        report::line(
            "rollup FOLDER, peak memory",
            Amount::Memory(runs.peak_memory),
            None,
            Target::AtMost(Amount::Memory(200_000_000)),
        );
        // The view across schools, drawn from the trust's file.
        let across = timed(
            HEADWAY,
            &[
                "--db",
                path_str(&trust),
                "report",
                "--across",
                "--format",
                "csv",
            ],
            None,
            &out,
            self.limit,
        );
        match across {
            Ok(run) => report::line(
                "report --across from the trust's file",
                Amount::Time(run.elapsed),
                None,
                for_size(
                    self.schools,
                    Target::AtMost(Amount::Time(Duration::from_secs(1))),
                    Target::AtMost(Amount::Time(Duration::from_secs(5))),
                ),
            ),
            Err(e) => report::missing("report --across from the trust's file", Target::None, &e),
        }
        report::note(&format!(
            "{} schools' roll-ups, {} in all; floor: sqlite3 copying the same rows from the \
             generated file into an empty trust's file in one transaction",
            self.schools,
            Amount::Bytes(bytes)
        ));
    }

    fn find(&self) {
        let what = format!("find {QUERY}");
        let target = Target::RatioBelow(1.0);
        let Some(runs) = self.headway(&what, &["find", QUERY], target) else {
            return;
        };
        let items = self
            .databases
            .scratch_file(&format!("items-{}.txt", self.schools));
        let count = match write_items(&self.db, &items) {
            Ok(count) => count,
            Err(e) => {
                report::missing(&what, target, &format!("no dump of the items: {e}"));
                return;
            }
        };
        if on_path("fzf") {
            let fzf = self.repeat("fzf", "fzf", &["--filter", QUERY], Some(&items));
            print_time(
                &format!("{what}, beside fzf --filter"),
                &runs,
                fzf.as_ref(),
                target,
            );
        } else {
            report::missing(
                &format!("{what}, beside fzf --filter"),
                Target::None,
                "fzf is not installed, so there is no ratio to fzf",
            );
        }
        let grep = self.repeat("grep", "grep", &["-c", "-i", QUERY, path_str(&items)], None);
        print_time(
            &format!("{what}, beside grep -c -i"),
            &runs,
            grep.as_ref(),
            Target::None,
        );
        report::line(
            &format!("{what}, peak memory"),
            Amount::Memory(runs.peak_memory),
            None,
            Target::None,
        );
        report::note(&format!(
            "fzf and grep read a dump of the {count} searchable items, one a line \
             (schools, tools, statements, notes, actions, check-ins; no confidential notes)"
        ));
    }

    /// Runs headway with `args` on the database; prints why if it fails.
    fn headway(&self, what: &str, args: &[&str], target: Target) -> Option<Runs> {
        let mut all = vec!["--db", path_str(&self.db)];
        all.extend_from_slice(args);
        match self.repeat_or_why(HEADWAY, &all, None) {
            Ok(runs) => Some(runs),
            Err(e) => {
                report::missing(what, target, &e);
                None
            }
        }
    }

    /// Runs sqlite3 with `args`, if it is installed.
    fn sqlite(&self, args: &[&str]) -> Option<Runs> {
        if !on_path("sqlite3") {
            report::note("sqlite3 is not installed: no floor");
            return None;
        }
        self.repeat("sqlite3", "sqlite3", args, None)
    }

    /// A floor's runs; a floor that fails is said in a note.
    fn repeat(
        &self,
        name: &str,
        program: &str,
        args: &[&str],
        stdin: Option<&Path>,
    ) -> Option<Runs> {
        self.repeat_or_why(program, args, stdin)
            .map_err(|e| report::note(&format!("no floor from {name}: {e}")))
            .ok()
    }

    fn repeat_or_why(
        &self,
        program: &str,
        args: &[&str],
        stdin: Option<&Path>,
    ) -> Result<Runs, String> {
        let out = self.databases.scratch_file("command.out");
        let mut runs: Vec<Finished> = Vec::new();
        for _ in 0..self.reps {
            runs.push(timed(program, args, stdin, &out, self.limit)?);
        }
        Ok(Runs {
            time: median(&runs.iter().map(|r| r.elapsed).collect::<Vec<_>>()).unwrap_or_default(),
            peak_memory: runs.iter().map(|r| r.peak_memory).max().unwrap_or(0),
            output: runs.last().map_or(0, |r| r.output),
        })
    }
}

fn print_time(what: &str, runs: &Runs, floor: Option<&Runs>, target: Target) {
    report::line(
        what,
        Amount::Time(runs.time),
        floor.map(|f| Amount::Time(f.time)),
        target,
    );
}

/// Writes every item the finder searches, one a line, as fzf and grep
/// would be given them; returns how many.
fn write_items(db: &Path, out: &Path) -> Result<usize, String> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    let file = std::fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut file = std::io::BufWriter::new(file);
    let mut count = 0;
    // Every text of the first column that `sql` selects, passed through `each`.
    let mut write = |sql: &str, each: &dyn Fn(String) -> Vec<String>| -> Result<(), String> {
        let mut stmt = conn.prepare(sql).map_err(|e| e.to_string())?;
        let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
        while let Some(row) = rows.next().map_err(|e| e.to_string())? {
            let text: String = row.get(0).map_err(|e| e.to_string())?;
            for line in each(text) {
                writeln!(file, "{}", line.replace(['\n', '\r'], " ")).map_err(|e| e.to_string())?;
                count += 1;
            }
        }
        Ok(())
    };
    let itself = |text: String| vec![text];
    write("SELECT name FROM schools", &itself)?;
    write(
        "SELECT t.source FROM tools t WHERE t.version = \
         (SELECT max(version) FROM tools WHERE tool_id = t.tool_id)",
        &|source| tool_texts(&source),
    )?;
    for field in ["rationale", "evidence", "defer_note"] {
        write(
            &format!("SELECT {field} FROM judgements WHERE confidential = 0 AND {field} != ''"),
            &itself,
        )?;
    }
    write(
        "SELECT title FROM actions WHERE stage != 'discarded'",
        &itself,
    )?;
    write(
        "SELECT CASE WHEN note != '' AND impact_note != '' THEN note || ' · ' || impact_note \
         ELSE note || impact_note END FROM checkins \
         WHERE confidential = 0 AND (note != '' OR impact_note != '')",
        &itself,
    )?;
    file.flush().map_err(|e| e.to_string())?;
    Ok(count)
}

/// A tool's title and the text of each statement, from its stored file.
fn tool_texts(source: &str) -> Vec<String> {
    let Ok(tool) = source.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut texts: Vec<String> = tool
        .get("title")
        .and_then(|t| t.as_str())
        .map(String::from)
        .into_iter()
        .collect();
    let aspects = tool.get("aspects").and_then(|a| a.as_array());
    for aspect in aspects.into_iter().flatten() {
        let statements = aspect.get("statements").and_then(|s| s.as_array());
        for statement in statements.into_iter().flatten() {
            if let Some(text) = statement.get("text").and_then(|t| t.as_str()) {
                texts.push(text.to_string());
            }
        }
    }
    texts
}
