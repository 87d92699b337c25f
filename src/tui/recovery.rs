//! Text the store has not accepted yet (the disk refused it), kept in a
//! small private file beside the database until it is saved, so that quitting,
//! a closed terminal or a signal never throws it away in silence.
//!
//! The file is `<folder>/.<database file name>.unsaved`, readable only by its
//! owner. It is written whole to a temporary file in the same folder, flushed
//! to disk and renamed into place, so it is always either the old or the new
//! version. It is removed once nothing is left unsaved.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::domain::evaluation::TextField;
use crate::domain::plan::Rag;
use crate::store::{ActionField, Store, StoreError};
use crate::text::clean_line;

/// Where unsaved text belongs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Place {
    /// A note of one statement of an evaluation, with the level or deferral
    /// chosen just before, if that was refused too.
    Judgement {
        evaluation: i64,
        statement: String,
        field: String,
        #[serde(default)]
        level: Option<u8>,
        #[serde(default)]
        defer: bool,
    },
    /// A check-in note; `check_in` is `None` when the check-in itself (its
    /// status, `rag`) was refused.
    CheckIn {
        action: i64,
        check_in: Option<i64>,
        on: String,
        #[serde(default)]
        rag: Option<String>,
        impact: bool,
    },
    /// A text field of an action.
    Action { action: i64, field: String },
}

impl Place {
    /// True if both name the same text field (whatever was refused with it).
    pub fn same_slot(&self, other: &Place) -> bool {
        match (self, other) {
            (
                Place::Judgement {
                    evaluation: a,
                    statement: s,
                    field: f,
                    ..
                },
                Place::Judgement {
                    evaluation: b,
                    statement: t,
                    field: g,
                    ..
                },
            ) => a == b && s == t && f == g,
            (
                Place::CheckIn {
                    action: a,
                    on: o,
                    impact: i,
                    ..
                },
                Place::CheckIn {
                    action: b,
                    on: p,
                    impact: j,
                    ..
                },
            ) => a == b && o == p && i == j,
            (
                Place::Action {
                    action: a,
                    field: f,
                },
                Place::Action {
                    action: b,
                    field: g,
                },
            ) => a == b && f == g,
            _ => false,
        }
    }
}

/// One piece of unsaved text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsaved {
    pub place: Place,
    /// Where it belongs, in words, for the offer on the next start.
    pub label: String,
    pub text: String,
}

#[derive(Serialize, Deserialize)]
struct Body {
    headway_unsaved_text: u32,
    entries: Vec<Unsaved>,
}

/// The recovery file of one database.
pub struct Recovery {
    path: Option<PathBuf>,
    /// What the file holds now, so unchanged state is not written again.
    written: Vec<Unsaved>,
    /// True when the last write failed: the file is behind what is unsaved.
    behind: bool,
}

/// Larger files are not read: a few notes take a few kilobytes.
const MAX_FILE: usize = 4 << 20;

/// The recovery file for the database at `db`.
pub fn path_for(db: &Path) -> Option<PathBuf> {
    let name = db.file_name()?.to_string_lossy();
    Some(db.with_file_name(format!(".{name}.unsaved")))
}

impl Recovery {
    pub fn beside(db: &Path) -> Recovery {
        Recovery {
            path: path_for(db),
            written: Vec::new(),
            behind: false,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// True if the file holds everything last given to `sync`.
    pub fn is_current(&self) -> bool {
        !self.behind && self.path.is_some()
    }

    /// What an earlier session left unsaved; an unreadable file is reported
    /// in one sentence and left in place.
    pub fn load(&mut self) -> Result<Vec<Unsaved>, String> {
        let Some(path) = &self.path else {
            return Ok(Vec::new());
        };
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(format!(
                    "{} could not be read: {}",
                    path.display(),
                    crate::output::reason(&e)
                ))
            }
        };
        if bytes.len() > MAX_FILE {
            return Err(format!(
                "{} is too large to be a headway recovery file; it is left as it is.",
                path.display()
            ));
        }
        match serde_json::from_slice::<Body>(&bytes) {
            Ok(body) => {
                self.written = body.entries.clone();
                // Text from a file is cleaned where it comes in, like any
                // other outside text.
                Ok(body
                    .entries
                    .into_iter()
                    .map(|e| Unsaved {
                        label: clean_line(&e.label),
                        text: clean_line(&e.text),
                        place: e.place,
                    })
                    .collect())
            }
            Err(_) => Err(format!(
                "{} is not a headway recovery file; it is left as it is.",
                path.display()
            )),
        }
    }

    /// Makes the file hold exactly `entries` (removing it when empty).
    pub fn sync(&mut self, entries: &[Unsaved]) -> io::Result<()> {
        if entries == self.written.as_slice() {
            return Ok(());
        }
        let result = self.write(entries);
        self.behind = result.is_err();
        result
    }

    fn write(&mut self, entries: &[Unsaved]) -> io::Result<()> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        if entries.is_empty() {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        } else {
            let body = Body {
                headway_unsaved_text: 1,
                entries: entries.to_vec(),
            };
            let json = serde_json::to_vec_pretty(&body).map_err(io::Error::other)?;
            write_atomically(&path, &json)?;
        }
        self.written = entries.to_vec();
        Ok(())
    }
}

/// Writes `bytes` to a private temporary file beside `path`, flushes it,
/// renames it over `path` and flushes the folder.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = folder.join(format!("{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        if let Ok(dir) = File::open(folder) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn text_field(name: &str) -> Option<TextField> {
    [
        TextField::Rationale,
        TextField::Evidence,
        TextField::DeferNote,
    ]
    .into_iter()
    .find(|f| f.column() == name)
}

/// The action fields typed as text (the only ones kept here).
const ACTION_TEXT_FIELDS: &[ActionField] = &[
    ActionField::Title,
    ActionField::Description,
    ActionField::Owner,
    ActionField::Checker,
    ActionField::SuccessCriteria,
    ActionField::ImpactCheck,
    ActionField::TargetGroup,
];

fn action_field(name: &str) -> Option<ActionField> {
    ACTION_TEXT_FIELDS
        .iter()
        .copied()
        .find(|f| f.column() == name)
}

fn rag(name: &str) -> Option<Rag> {
    [Rag::Green, Rag::Amber, Rag::Red]
        .into_iter()
        .find(|r| r.as_str() == name)
}

/// The evaluation and statement (with a level on its scale), the action,
/// or the check-in the entry names exists in this database.
fn place_exists(store: &Store, place: &Place) -> bool {
    match place {
        Place::Judgement {
            evaluation,
            statement,
            level,
            ..
        } => {
            let Ok(e) = store.evaluation(*evaluation) else {
                return false;
            };
            let Ok(tool) = store.tool(&e.tool_id, e.tool_version) else {
                return false;
            };
            let known = tool.statements().any(|s| &s.key(&tool.id) == statement);
            let on_scale =
                level.is_none_or(|l| (1..=tool.scale.levels.len()).contains(&usize::from(l)));
            known && on_scale
        }
        Place::CheckIn {
            action, check_in, ..
        } => {
            store.action(*action).is_ok()
                && check_in.is_none_or(|id| {
                    store
                        .check_ins(*action)
                        .is_ok_and(|all| all.iter().any(|c| c.id == id))
                })
        }
        Place::Action { action, .. } => store.action(*action).is_ok(),
    }
}

/// Why an entry could not be put back.
#[derive(Debug)]
pub enum PutBackError {
    Store(StoreError),
    /// The file names a place this version does not know.
    Unknown,
}

impl std::fmt::Display for PutBackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PutBackError::Store(e) => write!(f, "{e}"),
            PutBackError::Unknown => write!(f, "the place it belongs to is not in this database"),
        }
    }
}

impl From<StoreError> for PutBackError {
    fn from(e: StoreError) -> Self {
        PutBackError::Store(e)
    }
}

/// Saves an entry where it belongs, with the level, deferral or check-in
/// status that was refused with it. Each store call is its own transaction;
/// a failure part way is tried again whole next time (every call can be
/// repeated safely).
pub fn put_back(store: &mut Store, entry: &Unsaved) -> Result<(), PutBackError> {
    // The file may have been edited by hand: check that its place is here
    // before anything is written.
    if !place_exists(store, &entry.place) {
        return Err(PutBackError::Unknown);
    }
    match &entry.place {
        Place::Judgement {
            evaluation,
            statement,
            field,
            level,
            defer,
        } => {
            let field = text_field(field).ok_or(PutBackError::Unknown)?;
            if let Some(level) = level {
                store.set_level(*evaluation, statement, Some(*level))?;
            }
            if *defer {
                store.set_deferred(*evaluation, statement, true)?;
            }
            store.set_text(*evaluation, statement, field, &entry.text, true)?;
        }
        Place::CheckIn {
            action,
            check_in,
            on,
            rag: status,
            impact,
        } => {
            let status = match status {
                Some(name) => Some(rag(name).ok_or(PutBackError::Unknown)?),
                None => None,
            };
            let id = match (check_in, status) {
                (Some(id), Some(status)) => {
                    store.set_check_in_rag(*id, status)?;
                    *id
                }
                (Some(id), None) => *id,
                (None, Some(status)) => {
                    let on: Date = on.parse().map_err(|_| PutBackError::Unknown)?;
                    store.add_check_in(*action, on, status)?
                }
                (None, None) => return Err(PutBackError::Unknown),
            };
            store.set_check_in_text(id, *impact, &entry.text)?;
        }
        Place::Action { action, field } => {
            let field = action_field(field).ok_or(PutBackError::Unknown)?;
            store.set_action_field(*action, field, Some(&entry.text), true)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Unsaved {
        Unsaved {
            place: Place::Action {
                action: 1,
                field: "title".into(),
            },
            label: "Action 1 title".into(),
            text: text.into(),
        }
    }

    #[test]
    fn the_file_is_private_written_whole_and_removed_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("school.db");
        let mut r = Recovery::beside(&db);
        let path = dir.path().join(".school.db.unsaved");
        assert_eq!(r.path(), Some(path.as_path()));
        r.sync(&[entry("first")]).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        r.sync(&[entry("second")]).unwrap();
        let mut again = Recovery::beside(&db);
        assert_eq!(again.load().unwrap(), vec![entry("second")]);
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
        r.sync(&[]).unwrap();
        assert!(!path.exists());
    }

    /// A database with one school and one evaluation of it.
    fn store_with_evaluation() -> (tempfile::TempDir, Store, i64) {
        use crate::store::{NewEvaluation, OpenMode};
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
        let school = store.add_school("Oakfield").unwrap().id;
        let evaluation = store
            .create_evaluation(&NewEvaluation {
                school_id: school,
                tool_id: "curriculum-sequencing".into(),
                tool_version: 1,
                scope: "English".into(),
                cycle: "Autumn 2026".into(),
                attendees: String::new(),
            })
            .unwrap();
        (dir, store, evaluation)
    }

    #[test]
    fn put_back_saves_the_refused_level_status_and_text_too() {
        use crate::domain::plan::DraftSeed;
        let (_dir, mut store, evaluation) = store_with_evaluation();
        let key = "curriculum-sequencing/intent/purpose-stated";
        let judgement = Unsaved {
            place: Place::Judgement {
                evaluation,
                statement: key.into(),
                field: "rationale".into(),
                level: Some(2),
                defer: false,
            },
            label: String::new(),
            text: "Two of five units".into(),
        };
        put_back(&mut store, &judgement).unwrap();
        let j = store.judgements(evaluation).unwrap()[key].clone();
        assert_eq!(
            (j.level, j.rationale.as_str()),
            (Some(2), "Two of five units")
        );

        let action = store
            .add_drafts(
                evaluation,
                &[DraftSeed {
                    title: "Map the units".into(),
                    reason: String::new(),
                    impact_check: String::new(),
                    statements: vec![key.into()],
                }],
            )
            .unwrap()[0];
        let check_in = Unsaved {
            place: Place::CheckIn {
                action,
                check_in: None,
                on: "2026-11-22".into(),
                rag: Some("red".into()),
                impact: false,
            },
            label: String::new(),
            text: "Stalled".into(),
        };
        put_back(&mut store, &check_in).unwrap();
        let made = store.check_ins(action).unwrap();
        assert_eq!(made.len(), 1);
        assert_eq!((made[0].rag, made[0].note.as_str()), (Rag::Red, "Stalled"));

        let title = Unsaved {
            place: Place::Action {
                action,
                field: "title".into(),
            },
            label: String::new(),
            text: "Map every unit".into(),
        };
        put_back(&mut store, &title).unwrap();
        assert_eq!(store.action(action).unwrap().title, "Map every unit");
        let unknown = Unsaved {
            place: Place::Action {
                action,
                field: "stage".into(),
            },
            label: String::new(),
            text: "accepted".into(),
        };
        assert!(matches!(
            put_back(&mut store, &unknown),
            Err(PutBackError::Unknown)
        ));
    }

    #[test]
    fn a_failed_write_leaves_the_file_behind_until_one_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Recovery::beside(&dir.path().join("missing").join("school.db"));
        assert!(r.sync(&[entry("lost?")]).is_err());
        assert!(!r.is_current());
        r.path = Some(dir.path().join(".school.db.unsaved"));
        r.sync(&[entry("lost?")]).unwrap();
        assert!(r.is_current());
    }

    #[test]
    fn text_from_the_file_is_cleaned_as_it_comes_in() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("school.db");
        Recovery::beside(&db)
            .sync(&[entry("a\u{1b}]52;c;eA==\u{7}b\u{202E}")])
            .unwrap();
        let loaded = Recovery::beside(&db).load().unwrap();
        assert!(!loaded[0].text.chars().any(crate::text::is_forbidden));
        assert!(loaded[0].text.starts_with('a'), "{:?}", loaded[0].text);
    }

    #[test]
    fn a_file_that_is_not_ours_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("school.db");
        let path = dir.path().join(".school.db.unsaved");
        fs::write(&path, b"not json").unwrap();
        let err = Recovery::beside(&db).load().unwrap_err();
        assert!(err.contains("not a headway recovery file"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"not json");
    }

    #[test]
    fn a_place_that_is_not_here_is_refused_before_anything_is_written() {
        let (_dir, mut store, evaluation) = store_with_evaluation();
        let judgement = |evaluation: i64, statement: &str, level: Option<u8>| Unsaved {
            place: Place::Judgement {
                evaluation,
                statement: statement.into(),
                field: "rationale".into(),
                level,
                defer: false,
            },
            label: "a rationale".into(),
            text: "kept words".into(),
        };
        let good = "curriculum-sequencing/intent/purpose-stated";
        for entry in [
            judgement(999, good, None),
            judgement(evaluation, "nope/x", None),
            judgement(evaluation, good, Some(99)),
        ] {
            assert!(matches!(
                put_back(&mut store, &entry),
                Err(PutBackError::Unknown)
            ));
        }
        assert!(store.judgements(evaluation).unwrap().is_empty());
        put_back(&mut store, &judgement(evaluation, good, Some(2))).unwrap();
        assert_eq!(store.judgements(evaluation).unwrap().len(), 1);
    }
}
