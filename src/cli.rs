//! The command line: options, subcommands, and the commands that run
//! without the TUI. Exit codes: 0 success, 1 a user error, 2 bad usage.

use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::console;
use crate::domain::tool::parse_tool;
use crate::output::Protected;
use crate::store::{ImportOutcome, OpenMode, Store, StoreError};

#[derive(Debug, Parser)]
#[command(
    name = "headway",
    version,
    about = "School self-evaluation and improvement planning, in the terminal.",
    long_about = "School self-evaluation and improvement planning, in the terminal.\n\n\
        Run without a command to open the app. Data lives in one SQLite file: \
        --db PATH, else $HEADWAY_DB, else headway.db in your platform's data folder."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The database file to use [env: HEADWAY_DB]; the app, `demo` and
    /// commands that write make it if it is missing.
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Treat this date as today, for rehearsals and tests [env: HEADWAY_TODAY].
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check, list and import self-evaluation tools.
    #[command(subcommand)]
    Tools(ToolsCommand),
    /// Write everything in the database to a file or stdout.
    Export(ExportArgs),
    /// The weekly check-in: open the actions due for a check, most overdue first.
    #[command(after_help = CHECKIN_EXAMPLES)]
    Checkin(CheckinArgs),
    /// Write a report of one school's cycle: for governors (html), a
    /// self-evaluation form (markdown), a spreadsheet (csv) or a calendar (ics).
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// Search schools, tools, evaluations, statements, rationales, actions
    /// and check-in notes.
    #[command(after_help = FIND_EXAMPLES)]
    Find(FindArgs),
    /// Fill a database with a small example to look around in.
    Demo,
    /// Print a completion script for bash, zsh or fish (the README says
    /// where each shell looks for it).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum, value_name = "SHELL")]
        shell: crate::manual::CompletionShell,
    },
    /// Print the manual page, in roff: read it with `headway man | man -l -`.
    Man,
    /// The crash drill for the reliability tests: runs a fixed script of
    /// changes, printing `ack N` as each is committed.
    #[command(hide = true)]
    Drill {
        #[arg(long)]
        seed: u64,
        #[arg(long, default_value_t = 0)]
        from: usize,
        #[arg(long, default_value_t = 50)]
        count: usize,
    },
    /// Fill an empty database with a generated file of many schools, for
    /// benchmarks (20 schools, 8 tools of 60 statements, 12 cycles by default).
    #[command(hide = true)]
    Generate {
        #[arg(long, default_value_t = 20)]
        schools: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Write a verified copy of the database (default: into its backups folder).
    Backup {
        /// Where to write the copy.
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
    },
    /// Link a school to a partner copy (the school's office, say): write its
    /// whole record into a folder both can reach, for the partner to start
    /// from with `headway sync FOLDER`.
    Share {
        /// The school (its name, or enough of it).
        #[arg(long, value_name = "NAME")]
        school: String,
        /// The folder both copies reach (a synced folder, a USB stick).
        #[arg(value_name = "FOLDER")]
        folder: PathBuf,
        /// Keep notes marked confidential out of what travels (by default
        /// they travel, since both sides were in the room).
        #[arg(long)]
        no_confidential: bool,
    },
    /// Exchange changes with partner copies: write each linked school's
    /// new changes into its folder, and apply every bundle found there.
    Sync {
        /// Only this school.
        #[arg(long, value_name = "NAME")]
        school: Option<String>,
        /// The folder to exchange through (default: each school's linked
        /// folder); a new partner gives the folder its share arrived in.
        #[arg(value_name = "FOLDER")]
        folder: Option<PathBuf>,
    },
    /// For a trust: take every school's roll-up in FOLDER into this file
    /// (each replaces that school's last one); with --write, write this
    /// file's schools' roll-ups into FOLDER instead.
    Rollup {
        /// The folder roll-ups are written to or taken from.
        #[arg(value_name = "FOLDER")]
        folder: PathBuf,
        /// Write roll-ups of this file's schools, for a trust.
        #[arg(long)]
        write: bool,
        /// With --write: only this school.
        #[arg(long, value_name = "NAME", requires = "write")]
        school: Option<String>,
        /// With --write: include rationales and notes (confidential text
        /// never goes).
        #[arg(long, requires = "write")]
        with_notes: bool,
    },
    /// List the fields both copies changed, or settle one.
    Conflicts {
        /// The conflict to settle (its number in the list).
        #[arg(long, value_name = "N")]
        settle: Option<i64>,
        /// Settle it with the value kept for now.
        #[arg(long, requires = "settle", conflicts_with_all = ["other", "value"])]
        keep: bool,
        /// Settle it with the other copy's value.
        #[arg(long, requires = "settle", conflicts_with = "value")]
        other: bool,
        /// Settle it with a value of your own.
        #[arg(long, requires = "settle", value_name = "TEXT")]
        value: Option<String>,
    },
    /// Replace the database with a backup, after checking the backup and
    /// keeping the current file in the backups folder.
    Restore {
        /// The backup to restore.
        #[arg(value_name = "BACKUP")]
        backup: PathBuf,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Across every school in the file: the weak share of each aspect with
    /// its movement, statements weak in several schools, and plan health
    /// (html, markdown or csv).
    #[arg(long, conflicts_with_all = ["school", "evaluation", "cycle", "kind"])]
    pub across: bool,
    /// The school (its name, or enough of it to be unique); needed when the
    /// database holds more than one.
    #[arg(long, value_name = "NAME")]
    pub school: Option<String>,
    /// One evaluation, by its tool title and scope as the home screen and
    /// `headway find` show them ("Curriculum intent and sequencing ·
    /// English"), or enough of them to be unique; the newest such
    /// evaluation unless --cycle is given.
    #[arg(long, value_name = "TOOL · SCOPE")]
    pub evaluation: Option<String>,
    /// Every evaluation of this cycle, e.g. "Autumn 2026" (default: the newest).
    #[arg(long, value_name = "CYCLE")]
    pub cycle: Option<String>,
    /// For csv: write only this table (to -o FILE or stdout).
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Option<CsvTable>,
    /// Include notes marked confidential (left out unless this is given).
    #[arg(long)]
    pub include_confidential: bool,
    /// Write to this file (for csv without --kind: this folder) instead of stdout.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Shown after `headway report --help`; tests run each line against the demo.
const REPORT_EXAMPLES: &str = "\
Examples:
  headway report --school Oakfield -o oakfield.html
  headway report --school Oakfield --cycle \"Summer 2026\" --format markdown
  headway report --school Oakfield --evaluation \"curriculum intent · english\" --format markdown
  headway report --school Riverside --format csv -o riverside
  headway report --school Riverside --format csv --kind actions
  headway report --school Riverside --format ics -o riverside-plan.ics
  headway report --across --format markdown -o across.md";

/// Shown after `headway checkin --help`.
const CHECKIN_EXAMPLES: &str = "\
Examples:
  headway checkin --owner Okafor
  headway checkin --list
  headway checkin --list --checker Morgan";

/// Shown after `headway find --help`.
const FIND_EXAMPLES: &str = "\
Examples:
  headway find phonics
  headway find \"year 5\" --limit 5
  headway find oakfield english
  headway find --include-confidential attendance";

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Markdown,
    Csv,
    Ics,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CsvTable {
    Judgements,
    Actions,
    CheckIns,
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// What to look for; letters may be spread out ("phon yr2").
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Show at most this many results.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Search notes marked confidential too (left out unless this is given).
    #[arg(long)]
    pub include_confidential: bool,
}

#[derive(Debug, Args)]
pub struct CheckinArgs {
    /// Only actions whose owner's name contains NAME.
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Only actions whose checker's name contains NAME.
    #[arg(long, value_name = "NAME")]
    pub checker: Option<String>,
    /// Print the due and overdue checks (an agenda) instead of opening the app.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Subcommand)]
pub enum ToolsCommand {
    /// Validate tool files and print every problem as FILE:LINE:COL: message.
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// List the tools stored in the database.
    List,
    /// Validate a tool file and store it in the database.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The export format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormat,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Include notes marked confidential (left out unless this is given).
    #[arg(long)]
    pub include_confidential: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
}

/// A failure a user can act on, reported as one sentence.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("{0}")]
    Message(String),
    /// Details were already printed; exit 1 quietly.
    #[error("")]
    Reported,
}

pub fn main() -> ExitCode {
    // Past a file-size limit (ulimit -f), a write then fails with an error
    // that headway reports, instead of the signal killing it mid-meeting.
    // SAFETY: setting a signal's disposition to "ignore" before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors quote what was typed, so they are cleaned too.
            let rendered = e.render().to_string();
            if e.use_stderr() {
                console::error_text(&rendered);
            } else {
                console::text(&rendered);
            }
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    // Every store `run` opened is closed when it returns; only then may a
    // failed write to stdout end the program.
    let code = match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(UserError::Reported) => ExitCode::from(1),
        Err(e) => {
            console::error_line(&format!("headway: {e}"));
            ExitCode::from(1)
        }
    };
    console::finish(code)
}

pub fn run(cli: Cli) -> Result<(), UserError> {
    // These describe the program; they need neither a date nor a database.
    match cli.command {
        Some(Command::Completions { shell }) => {
            console::document(&crate::manual::completions(shell));
            return Ok(());
        }
        Some(Command::Man) => {
            let page = crate::manual::man_page().map_err(|e| {
                UserError::Message(format!(
                    "The manual page could not be made: {}.",
                    crate::output::reason(&e)
                ))
            })?;
            console::document(&page);
            return Ok(());
        }
        _ => {}
    }
    let today = today(&cli.global)?;
    match cli.command {
        Some(Command::Completions { .. } | Command::Man) => Ok(()),
        None => {
            let (store, config) = open_for_app(&cli.global)?;
            run_tui(store, today, crate::tui::Start::Home, config)
        }
        Some(Command::Checkin(args)) => {
            let name = |given: Option<String>, option: &str| {
                given
                    .map(|n| {
                        let clean = crate::text::clean_line(&n).trim().to_string();
                        if clean.is_empty() {
                            Err(UserError::Message(format!(
                                "{option} needs part of a name to look for; it was given none."
                            )))
                        } else {
                            Ok(clean)
                        }
                    })
                    .transpose()
            };
            let filter = crate::agenda::Filter {
                owner: name(args.owner, "--owner")?,
                checker: name(args.checker, "--checker")?,
            };
            if args.list {
                let store = open(&cli.global, OpenMode::Read)?;
                crate::agenda::write_text(&store, today, &filter, &mut |text| console::text(text))?;
                return Ok(());
            }
            let (store, config) = open_for_app(&cli.global)?;
            run_tui(store, today, crate::tui::Start::CheckIn(filter), config)
        }
        Some(Command::Share {
            school,
            folder,
            no_confidential,
        }) => {
            let mut store = open(&cli.global, OpenMode::Write)?;
            // Asked when someone is there to answer; both sides were in the
            // room, so by default the notes travel.
            use std::io::IsTerminal;
            let confidential = !no_confidential
                && (!std::io::stdin().is_terminal()
                    || !std::io::stdout().is_terminal()
                    || confirm_default_yes(
                        "Should notes marked confidential travel to the partner copy? [Y/n] ",
                    ));
            let path = crate::exchange::share(&mut store, &school, &folder, confidential)
                .map_err(exchange_error)?;
            let shared = path.parent().unwrap_or(&folder);
            console::line(&format!(
                "Wrote the school's record to {}; on the partner's machine, run `headway sync {}` (the folder as it is reached there).",
                path.display(),
                shared.display()
            ));
            Ok(())
        }
        Some(Command::Sync { school, folder }) => {
            let mut store = open(&cli.global, OpenMode::Write)?;
            let done = crate::exchange::sync(&mut store, school.as_deref(), folder.as_deref())
                .map_err(exchange_error)?;
            for line in &done.said {
                console::line(line);
            }
            if done.said.is_empty() {
                console::line("Nothing to send, and nothing new arrived.");
            }
            let open_conflicts = store.open_conflict_count()?;
            if open_conflicts > 0 {
                console::line(&format!(
                    "{open_conflicts} conflict{} to settle: `headway conflicts` lists them.",
                    if open_conflicts == 1 { "" } else { "s" }
                ));
            }
            refusals(&done.refused)
        }
        Some(Command::Rollup {
            folder,
            write,
            school,
            with_notes,
        }) => {
            if write {
                let store = open(&cli.global, OpenMode::Write)?;
                let written =
                    crate::exchange::write_rollups(&store, school.as_deref(), &folder, with_notes)
                        .map_err(exchange_error)?;
                console::line(&format!(
                    "Wrote {} roll-up{} to {}{}.",
                    written.len(),
                    if written.len() == 1 { "" } else { "s" },
                    folder.display(),
                    if with_notes {
                        ", with notes (confidential ones left out)"
                    } else {
                        ": levels, status, RAG, impact and dates, no notes"
                    }
                ));
                return Ok(());
            }
            let mut store = open(&cli.global, OpenMode::Write)?;
            let done =
                crate::exchange::take_rollups(&mut store, &folder).map_err(exchange_error)?;
            console::line(&format!(
                "Took in {} school{}{}; `headway report --across` reads across them.",
                done.taken.len(),
                if done.taken.len() == 1 { "" } else { "s" },
                if done.already > 0 {
                    format!(" ({} already held)", done.already)
                } else {
                    String::new()
                }
            ));
            refusals(&done.refused)
        }
        Some(Command::Conflicts {
            settle,
            keep,
            other,
            value,
        }) => {
            // Listing only reads; settling writes.
            let mut store = open(
                &cli.global,
                if settle.is_some() {
                    OpenMode::Write
                } else {
                    OpenMode::Read
                },
            )?;
            let open_now = store.open_conflicts()?;
            let Some(n) = settle else {
                if open_now.is_empty() {
                    console::line("No conflicts to settle.");
                }
                for (i, c) in open_now.iter().enumerate() {
                    console::line(&format!(
                        "{}. {}, {} ({}): kept \"{}\", other \"{}\"",
                        i + 1,
                        c.school,
                        c.what,
                        c.field,
                        c.kept.as_deref().unwrap_or(""),
                        c.other.as_deref().unwrap_or("")
                    ));
                }
                return Ok(());
            };
            let Some(conflict) = usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| open_now.get(i))
            else {
                return Err(UserError::Message(format!(
                    "There is no conflict {n}; `headway conflicts` lists {} open.",
                    open_now.len()
                )));
            };
            let chosen = if keep {
                conflict.kept.clone()
            } else if other {
                conflict.other.clone()
            } else if let Some(v) = value {
                Some(crate::text::clean_line(&v).trim().to_string())
            } else {
                return Err(UserError::Message(
                    "Say which value to keep: --keep, --other or --value TEXT.".into(),
                ));
            };
            store.settle_conflict(conflict.id, chosen.as_deref())?;
            console::line("Settled; the choice goes to the partner copy at the next sync.");
            Ok(())
        }
        Some(Command::Tools(ToolsCommand::Check { files })) => crate::tool_files::check(&files),
        Some(Command::Tools(ToolsCommand::List)) => {
            let store = open(&cli.global, OpenMode::Read)?;
            for t in store.all_tools()? {
                console::line(&format!(
                    "{:<30} v{:<3} {:>3} statements  {:<9} {}",
                    t.id, t.version, t.statements, t.origin, t.title
                ));
            }
            Ok(())
        }
        Some(Command::Tools(ToolsCommand::Import { file })) => {
            let bytes = crate::tool_files::read(&file)?;
            if let Err(problems) = parse_tool(&bytes) {
                crate::tool_files::print_problems(&file, &problems);
                return Err(UserError::Reported);
            }
            let source = String::from_utf8_lossy(&bytes).into_owned();
            let mut store = open(&cli.global, OpenMode::Write)?;
            match store.import_tool(&source)? {
                ImportOutcome::Added { id, version } => {
                    console::line(&format!("Imported tool \"{id}\" version {version}."))
                }
                ImportOutcome::AlreadyPresent { id, version } => console::line(&format!(
                    "Tool \"{id}\" version {version} is already stored; nothing changed."
                )),
            }
            Ok(())
        }
        Some(Command::Export(args)) => {
            let store = open(&cli.global, OpenMode::Read)?;
            let ExportFormat::Json = args.format;
            // Written one evaluation at a time: memory follows one
            // evaluation, whatever the file holds.
            let head = store.export_head()?;
            let evaluations = store.evaluations()?;
            let protected = Protected::database(store.path());
            // A record that cannot be read stops the export; it is reported
            // as what it is, not as a failure to write.
            let unread = std::cell::RefCell::new(None);
            let written = crate::output::write(args.output.as_deref(), &protected, |out| {
                let records = evaluations.into_iter().map(|e| {
                    store.evaluation_record(e).map_err(|e| {
                        let said = e.to_string();
                        unread.borrow_mut().get_or_insert(e);
                        said
                    })
                });
                crate::export::json::write_json(&head, records, args.include_confidential, out)
            });
            if let Some(e) = unread.into_inner() {
                return Err(e.into());
            }
            Ok(written?)
        }
        Some(Command::Report(args)) => {
            let store = open(&cli.global, OpenMode::Read)?;
            report(&store, today, &args)
        }
        Some(Command::Find(args)) => {
            let store = open(&cli.global, OpenMode::Read)?;
            let query = crate::text::clean_line(&args.query.join(" "));
            let mut index = crate::finder::Index::load(&store)?.with_evaluations(&store)?;
            if !args.include_confidential {
                index = index.without_confidential();
            }
            let hits = index.search(&store, &query, args.limit)?;
            if hits.is_empty() {
                return Err(UserError::Message(format!("Nothing matches \"{query}\".")));
            }
            console::text(&crate::finder::to_text(&hits));
            Ok(())
        }
        Some(Command::Drill { seed, from, count }) => {
            let mut store = open(&cli.global, OpenMode::Write)?;
            Ok(crate::drill::run(&mut store, seed, from, count)?)
        }
        Some(Command::Backup { path }) => {
            // A file of an older version can be backed up before it is upgraded.
            let store = open(&cli.global, OpenMode::Copy)?;
            let path_given = path.is_some();
            let dest = match path {
                Some(p) if p.as_os_str() == "-" => {
                    return Err(UserError::Message(
                        "A backup is a database file, not a stream; give a file path, or none for the backups folder.".into(),
                    ))
                }
                Some(p) => p,
                None => store.manual_backup_path()?,
            };
            if std::fs::symlink_metadata(&dest).is_ok() {
                return Err(UserError::Message(format!(
                    "{} already exists; choose a new file name for the backup.",
                    dest.display()
                )));
            }
            if path_given {
                // The same rules as any output: never a database's journal,
                // log, recovery file or backups folder.
                crate::output::target(Some(&dest), &Protected::database(store.path()))?;
            }
            store.backup_to(&dest)?;
            console::line(&format!(
                "Backed up {} to {} (checked).",
                store.path().display(),
                dest.display()
            ));
            Ok(())
        }
        Some(Command::Restore { backup, yes }) => {
            let database = database_path(&cli.global, true)?;
            let plan = crate::store::restore::plan_restore(&database, &backup)?;
            if let Some(current) = &plan.different {
                console::error_line(&different_database(&plan, current));
            }
            if plan.current_unreadable {
                console::error_line(&format!(
                    "Note: {} could not be read to compare it with the backup; it is kept in the backups folder before it is replaced.",
                    plan.database.display()
                ));
            }
            if !yes
                && !confirm(&format!(
                "Replace {} with {}? The current file is kept in the backups folder first. [y/N] ",
                plan.database.display(),
                plan.backup.display()
            )) {
                return Err(UserError::Message(
                    "Nothing was restored; answer y to confirm, or pass --yes.".into(),
                ));
            }
            let kept = crate::store::restore::restore(&plan)?;
            match kept {
                Some(k) => console::line(&format!(
                    "Restored {} from {}; the file it replaced is kept at {}.",
                    plan.database.display(),
                    plan.backup.display(),
                    k.display()
                )),
                None => console::line(&format!(
                    "Restored {} from {}.",
                    plan.database.display(),
                    plan.backup.display()
                )),
            }
            Ok(())
        }
        Some(Command::Generate { schools, seed }) => {
            let mut store = open(&cli.global, OpenMode::Write)?;
            if !store.schools()?.is_empty() {
                return Err(UserError::Message(format!(
                    "{} already has schools; generate into a new file.",
                    store.path().display()
                )));
            }
            let shape = crate::store::generate::Shape {
                seed,
                as_of: today,
                ..crate::store::generate::Shape::liaison().with_schools(schools)
            };
            store.generate(&shape)?;
            console::line(&format!(
                "Generated {schools} schools in {}.",
                store.path().display()
            ));
            Ok(())
        }
        Some(Command::Demo) => {
            let path = database_path(&cli.global, true)?;
            let mut store = Store::open(&path, OpenMode::Write)?;
            crate::demo::fill(&mut store, today)?;
            console::line(&format!(
                "Filled {} with two example schools. Open it with: headway --db {}",
                path.display(),
                path.display()
            ));
            Ok(())
        }
    }
}

fn report(store: &Store, today: Date, args: &ReportArgs) -> Result<(), UserError> {
    use crate::export::csv::{to_csv, CsvKind};
    if args.across {
        return report_across(store, today, args);
    }
    let school = args.school.as_deref().map(crate::text::clean_line);
    let cycle = args.cycle.as_deref().map(crate::text::clean_line);
    let selection = match &args.evaluation {
        Some(text) => {
            let text = crate::text::clean_line(text);
            let wanted = crate::handle::Wanted {
                text: &text,
                school: school.as_deref(),
                cycle: cycle.as_deref(),
            };
            let id = crate::handle::find_evaluation(store, wanted).map_err(|e| match e {
                crate::handle::HandleError::Store(e) => UserError::Store(e),
                crate::handle::HandleError::Message(m) => UserError::Message(m),
            })?;
            // The evaluation names its school and cycle.
            crate::export::report::Selection {
                school: None,
                evaluation: Some(id),
                cycle: None,
            }
        }
        None => crate::export::report::Selection {
            school,
            evaluation: None,
            cycle,
        },
    };
    if args.kind.is_some() && args.format != ReportFormat::Csv {
        return Err(UserError::Message(
            "--kind chooses a CSV table; use it with --format csv.".into(),
        ));
    }
    let protected = Protected::database(store.path());
    let report = crate::export::report::load(store, &selection, today, args.include_confidential)?;
    let text = match args.format {
        ReportFormat::Html => crate::export::html::to_html(&report),
        ReportFormat::Markdown => crate::export::markdown::to_markdown(&report),
        ReportFormat::Ics => crate::export::ics::to_ics(&report),
        ReportFormat::Csv => {
            let kind = args.kind.map(|k| match k {
                CsvTable::Judgements => CsvKind::Judgements,
                CsvTable::Actions => CsvKind::Actions,
                CsvTable::CheckIns => CsvKind::CheckIns,
            });
            match (kind, &args.output) {
                (Some(kind), _) => to_csv(&report, kind),
                (None, Some(folder)) => {
                    let folder = crate::output::folder(folder)?;
                    let paths: Vec<_> = CsvKind::ALL
                        .iter()
                        .map(|kind| (*kind, folder.join(kind.file_name())))
                        .collect();
                    // Every file is checked before the first is written.
                    for (_, path) in &paths {
                        if !matches!(
                            crate::output::target(Some(path), &protected)?,
                            crate::output::Target::File(_)
                        ) {
                            return Err(crate::output::OutputError::NotAFolder(folder).into());
                        }
                    }
                    for (kind, path) in paths {
                        crate::output::write_text(Some(&path), &protected, &to_csv(&report, kind))?;
                        console::line(&format!("Wrote {}", path.display()));
                    }
                    return Ok(());
                }
                (None, None) => {
                    return Err(UserError::Message(
                        "CSV makes three files: give -o FOLDER, or choose one table with --kind."
                            .into(),
                    ))
                }
            }
        }
    };
    Ok(crate::output::write_text(
        args.output.as_deref(),
        &protected,
        &text,
    )?)
}

/// Says, before a restore asks, that the backup is of another database.
fn different_database(
    plan: &crate::store::restore::RestorePlan,
    current: &crate::store::Described,
) -> String {
    let holds = |d: &crate::store::Described| {
        let schools = if d.schools.is_empty() {
            "no schools".to_string()
        } else {
            format!("schools: {}", d.schools.join(", "))
        };
        let changed = d
            .last_changed
            .as_deref()
            .map(|t| format!("last changed {}", t.get(..10).unwrap_or(t)))
            .unwrap_or_else(|| "no changes recorded".into());
        format!("{schools}; {changed}")
    };
    format!(
        "Note: {} is not a backup of {}; it comes from a different headway database ({}), while {} holds {}.",
        plan.backup.display(),
        plan.database.display(),
        holds(&plan.source),
        plan.database.display(),
        holds(current)
    )
}

/// The report across every school in the file.
fn report_across(store: &Store, today: Date, args: &ReportArgs) -> Result<(), UserError> {
    let view = crate::domain::across::across(&store.across_series()?, store.plan_health(today)?);
    let text = match args.format {
        ReportFormat::Html => crate::export::across::to_html(&view),
        ReportFormat::Markdown => crate::export::across::to_markdown(&view),
        ReportFormat::Csv => crate::export::across::to_csv(&view),
        ReportFormat::Ics => {
            return Err(UserError::Message(
                "The report across schools is html, markdown or csv; a calendar is made for one school's cycle.".into(),
            ))
        }
    };
    let protected = Protected::database(store.path());
    Ok(crate::output::write_text(
        args.output.as_deref(),
        &protected,
        &text,
    )?)
}

/// Asks a yes/no question on the terminal; Enter alone, y or yes is yes.
fn confirm_default_yes(question: &str) -> bool {
    console::prompt(question);
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return true;
    }
    matches!(answer.trim().to_lowercase().as_str(), "" | "y" | "yes")
}

/// Asks a yes/no question on the terminal; anything but y or yes is no.
fn confirm(question: &str) -> bool {
    console::prompt(question);
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

fn run_tui(
    store: Store,
    today: Date,
    start: crate::tui::Start,
    config: crate::tui::config::Config,
) -> Result<(), UserError> {
    crate::tui::run(store, today, start, config)
        .map_err(|e| {
            UserError::Message(format!(
                "The terminal could not be used ({}); run headway in a terminal, or use a command such as `checkin --list`.",
                crate::output::reason(&e)
            ))
        })
}

/// Today: --today, else $HEADWAY_TODAY, else the system's date.
fn today(global: &Global) -> Result<Date, UserError> {
    if let Some(date) = global.today {
        return Ok(date);
    }
    match std::env::var_os("HEADWAY_TODAY") {
        None => Ok(jiff::Zoned::now().date()),
        Some(value) if value.is_empty() => Err(UserError::Message(
            "HEADWAY_TODAY is set but empty; set it to a date written YYYY-MM-DD, or unset it."
                .into(),
        )),
        Some(value) => {
            let value = value.to_string_lossy();
            parse_date(&value)
                .map_err(|why| UserError::Message(format!("HEADWAY_TODAY is \"{value}\": {why}.")))
        }
    }
}

/// A date written exactly YYYY-MM-DD (no time, no other form).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return Err("write the date as YYYY-MM-DD, such as 2026-11-29".into());
    }
    text.parse::<Date>()
        .map_err(|_| format!("{text} is not a day on the calendar"))
}

/// The database path: --db, else $HEADWAY_DB, else the platform data
/// folder, created private when headway makes it. An empty $HEADWAY_DB is
/// refused rather than ignored: falling back to the default file would put
/// one school's records somewhere the user did not choose.
/// The database file to use. The default one's folder is made only when
/// `for_writing`: a command that only reads makes nothing.
pub fn database_path(global: &Global, for_writing: bool) -> Result<PathBuf, UserError> {
    if let Some(path) = &global.db {
        if path.to_string_lossy().trim().is_empty() {
            return Err(UserError::Message(
                "The --db path is empty; give a file path.".into(),
            ));
        }
        return Ok(path.clone());
    }
    match std::env::var_os("HEADWAY_DB") {
        Some(value) if value.to_string_lossy().trim().is_empty() => {
            return Err(UserError::Message(
                "HEADWAY_DB is set but empty; set it to a database file path, or unset it.".into(),
            ))
        }
        Some(value) => return Ok(PathBuf::from(value)),
        None => {}
    }
    let dirs = directories::ProjectDirs::from("", "", "headway").ok_or_else(|| {
        UserError::Message(
            "No home folder was found for the default database; use --db PATH.".into(),
        )
    })?;
    let folder = dirs.data_dir();
    if for_writing && !folder.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)
            .map_err(|e| {
                UserError::Message(format!(
                    "The data folder {} could not be created: {e}.",
                    folder.display()
                ))
            })?;
    }
    Ok(folder.join("headway.db"))
}

/// Opens for the app, which takes today's backup after its first frame,
/// after reading the user's config file (a mistake in it stops here, before
/// the database is touched).
fn open_for_app(global: &Global) -> Result<(Store, crate::tui::config::Config), UserError> {
    let config = crate::tui::config::load().map_err(UserError::Message)?;
    let path = database_path(global, true)?;
    Ok((Store::open_for_app(&path)?, config))
}

/// Says each bundle refused, one sentence a line; refusals mean exit 1.
fn refusals(refused: &[String]) -> Result<(), UserError> {
    for why in refused {
        console::error_line(&format!("headway: {why}"));
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(UserError::Reported)
    }
}

fn exchange_error(e: crate::exchange::ExchangeError) -> UserError {
    use crate::exchange::ExchangeError;
    match e {
        ExchangeError::Store(e) => UserError::Store(e),
        ExchangeError::Output(e) => UserError::Output(e),
        ExchangeError::Message(m) => UserError::Message(m),
    }
}

fn open(global: &Global, mode: OpenMode) -> Result<Store, UserError> {
    let path = database_path(global, mode == OpenMode::Write)?;
    let store = Store::open(&path, mode)?;
    for notice in store.notices() {
        console::error_line(&format!("headway: {notice}"));
    }
    Ok(store)
}
