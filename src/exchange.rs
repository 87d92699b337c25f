//! Exchanging a school's record with its partner copy through a folder
//! both can reach (a synced folder, a USB stick): the files are written and
//! read here, for the command line and the app alike; the store applies them.

use std::path::{Path, PathBuf};

use crate::bundle::{Bundle, Kind};
use crate::output::{OutputError, Protected};
use crate::store::{Arrived, Store, StoreError};

/// Bundles end with this.
pub const EXTENSION: &str = "hwb";

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{0}")]
    Message(String),
}

/// What a sync did, in lines for the person who asked.
#[derive(Debug, Clone, Default)]
pub struct Synced {
    /// Bundles written, and what arrived.
    pub said: Vec<String>,
    /// Bundles refused, one sentence each; nothing of them was applied.
    pub refused: Vec<String>,
    /// What each applied bundle brought.
    pub arrived: Vec<Arrived>,
}

impl Synced {
    /// One line for the app's status bar.
    pub fn summary(&self) -> String {
        let arrived: Vec<String> = self
            .arrived
            .iter()
            .filter(|a| a.applied > 0 || a.started)
            .map(Arrived::summary)
            .collect();
        let mut parts = Vec::new();
        if arrived.is_empty() {
            parts.push("Synced: nothing new arrived".to_string());
        } else {
            parts.push(format!("Synced: {}", arrived.join("; ")));
        }
        if let Some(first) = self.refused.first() {
            parts.push(format!(
                "{} bundle{} refused: {first}",
                self.refused.len(),
                if self.refused.len() == 1 { "" } else { "s" }
            ));
        }
        parts.join("; ")
    }
}

/// The school called `name`: an exact match (case aside), else the one
/// school whose name holds it.
pub fn school_named(store: &Store, name: &str) -> Result<(i64, String), ExchangeError> {
    let wanted = crate::text::clean_line(name).trim().to_lowercase();
    if wanted.is_empty() {
        return Err(ExchangeError::Message(
            "--school needs part of a school's name; it was given none.".into(),
        ));
    }
    let schools = store.schools()?;
    if let Some(s) = schools.iter().find(|s| s.name.to_lowercase() == wanted) {
        return Ok((s.id, s.name.clone()));
    }
    let partial: Vec<_> = schools
        .iter()
        .filter(|s| s.name.to_lowercase().contains(&wanted))
        .collect();
    match partial.as_slice() {
        [one] => Ok((one.id, one.name.clone())),
        [] => Err(ExchangeError::Message(format!(
            "No school's name holds \"{}\"; `headway find` lists schools.",
            name.trim()
        ))),
        many => Err(ExchangeError::Message(format!(
            "\"{}\" matches {} schools ({}); give more of the name.",
            name.trim(),
            many.len(),
            many.iter()
                .take(5)
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A file name's part for a school: its letters and digits, lower case.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "school".into()
    } else {
        out.chars().take(40).collect()
    }
}

fn short(copy: &str) -> String {
    copy.chars()
        .filter(char::is_ascii_hexdigit)
        .skip(20)
        .take(12)
        .collect()
}

fn write_bundle(store: &Store, path: &Path, bundle: &Bundle) -> Result<(), ExchangeError> {
    let bytes = bundle.to_bytes();
    crate::output::write(Some(path), &Protected::database(store.path()), |out| {
        out.write_all(&bytes)
    })?;
    Ok(())
}

/// Writes `school`'s whole record into `folder` for a partner copy to
/// start from, and links the school to that folder. Returns the file.
pub fn share(
    store: &mut Store,
    school: &str,
    folder: &Path,
    confidential: bool,
) -> Result<PathBuf, ExchangeError> {
    let (id, name) = school_named(store, school)?;
    let folder = linked_folder(folder)?;
    let bundle = store.share(id, &folder, confidential)?;
    // A folder holding another school's bundles is that school's.
    if let Some(other) = other_school_in(&folder, &bundle.header.school) {
        return Err(ExchangeError::Message(format!(
            "{} holds bundles of {other}; give {name} a folder of its own.",
            folder.display()
        )));
    }
    let path = folder.join(format!(
        "{}.{}.share.{EXTENSION}",
        slug(&name),
        short(&bundle.header.from_copy)
    ));
    write_bundle(store, &path, &bundle)?;
    // Linked only once the share is there for the partner to start from.
    store.link(&bundle, &folder)?;
    Ok(path)
}

/// Writes each linked school's changes not yet sent (only `school`'s, if
/// named) into its folder (or `folder`), then applies every bundle found
/// there that this copy has not applied yet.
pub fn sync(
    store: &mut Store,
    school: Option<&str>,
    folder: Option<&Path>,
) -> Result<Synced, ExchangeError> {
    let mut done = Synced::default();
    let only = match school {
        Some(name) => Some(school_named(store, name)?),
        None => None,
    };
    let mut links = store.links()?;
    if let Some((id, name)) = &only {
        links.retain(|l| l.school_id == *id);
        if links.is_empty() && folder.is_none() {
            return Err(ExchangeError::Message(format!(
                "{name} is not linked to a partner copy; share it with `headway share --school` first, or give a folder to take its share from."
            )));
        }
    }
    if links.is_empty() && folder.is_none() {
        return Err(ExchangeError::Message(
            "No school is linked to a partner copy yet; share one with `headway share --school NAME FOLDER`, or give the folder a share arrived in.".into(),
        ));
    }
    let given = folder.map(existing_folder).transpose()?;
    let mut folders: Vec<PathBuf> = Vec::new();
    // With a folder given, one linked school whose folder is gone (and
    // no school linked through the folder given) has moved there.
    let moved_alone = given.as_ref().is_some_and(|f| {
        links
            .iter()
            .filter(|l| !Path::new(&l.folder).is_dir())
            .count()
            == 1
            && !links
                .iter()
                .any(|l| existing_folder(Path::new(&l.folder)).ok().as_ref() == Some(f))
    });
    // Each linked school, with the folder its changes go to.
    let mut written: Vec<(String, String, PathBuf)> = Vec::new();
    for link in &links {
        // A school's changes go only where its partner reads: its own
        // folder, or the folder given for that one school. A folder given
        // for every school takes only the schools linked through it.
        let linked = Path::new(&link.folder);
        let into = match (&given, &only) {
            (Some(f), Some(_)) => f.clone(),
            // The linked folder moved (a synced folder renamed, a stick
            // mounted elsewhere): the folder given is where it went.
            (Some(f), None) if !linked.is_dir() && moved_alone => {
                store.move_link(&link.school_uuid, f)?;
                f.clone()
            }
            (Some(f), None) if existing_folder(linked).ok().as_ref() != Some(f) => continue,
            _ => existing_folder(linked)?,
        };
        if !folders.contains(&into) {
            folders.push(into.clone());
        }
        written.push((link.school_uuid.clone(), link.school.clone(), into));
    }
    for (uuid, school, into) in &written {
        send(store, uuid, school, into, &mut done)?;
    }
    if let Some(f) = given {
        if !folders.contains(&f) {
            folders.push(f);
        }
    }
    let me = store.copy_identity()?;
    // With a school named, `links` holds that school's link alone.
    let wanted_school = only
        .as_ref()
        .and_then(|_| links.first().map(|l| l.school_uuid.clone()));
    let mut rollups = 0;
    for dir in folders {
        let mut found: Vec<(PathBuf, Bundle)> = Vec::new();
        let entries = std::fs::read_dir(&dir).map_err(|source| {
            ExchangeError::Message(format!(
                "The folder {} could not be read: {}.",
                dir.display(),
                crate::output::reason(&source)
            ))
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == EXTENSION))
            .collect();
        paths.sort();
        for path in paths {
            let shown = path.display().to_string();
            let bytes = match read_small(&path) {
                Ok(b) => b,
                Err(why) => {
                    done.refused
                        .push(format!("{shown} {why}; nothing of it was applied."));
                    continue;
                }
            };
            match Bundle::read(&bytes) {
                Ok(bundle) if bundle.header.from_copy == me => {}
                // Roll-ups are for a trust's file (`headway rollup`).
                Ok(bundle) if bundle.header.kind == Kind::Rollup => rollups += 1,
                Ok(bundle) => {
                    if wanted_school
                        .as_ref()
                        .is_some_and(|w| *w != bundle.header.school)
                    {
                        continue;
                    }
                    found.push((path, bundle));
                }
                Err(e) => done.refused.push(format!(
                    "The bundle {shown} {e}; nothing of it was applied."
                )),
            }
        }
        // Shares first, then each sender's changes in the order made.
        found.sort_by(|(_, a), (_, b)| {
            (
                a.header.kind != Kind::Share,
                &a.header.from_copy,
                a.header.upto,
            )
                .cmp(&(
                    b.header.kind != Kind::Share,
                    &b.header.from_copy,
                    b.header.upto,
                ))
        });
        // A bundle that builds on one not applied yet (another copy's, read
        // later) waits for the others; what still waits when nothing more
        // can be applied is taken as it stands.
        let mut waiting = found;
        let mut strict = true;
        while !waiting.is_empty() {
            let mut later = Vec::new();
            let before = waiting.len();
            for (path, bundle) in waiting {
                match store.apply_bundle(&bundle, &dir, strict) {
                    Ok(arrived) => {
                        if arrived.applied > 0 || arrived.started {
                            done.said.push(format!("{}.", arrived.summary()));
                        }
                        done.arrived.push(arrived);
                    }
                    Err(StoreError::NotYet) => later.push((path, bundle)),
                    Err(StoreError::Conflict(why)) => done.refused.push(format!(
                        "The bundle {} {why}; nothing of it was applied.",
                        path.display()
                    )),
                    Err(e) => return Err(e.into()),
                }
            }
            if later.len() == before {
                strict = false;
            }
            waiting = later;
        }
    }
    // What applying filed for the partner (conflicts found here) goes at
    // once, not at the next sync.
    for (uuid, school, into) in &written {
        send(store, uuid, school, into, &mut done)?;
    }
    if rollups > 0 {
        done.said.push(format!(
            "Passed over {rollups} roll-up{} for a trust's file (`headway rollup FOLDER` takes them in).",
            if rollups == 1 { "" } else { "s" }
        ));
    }
    Ok(done)
}

/// A folder to exchange through, checked and named in full, so the link
/// still finds it from another working folder.
fn linked_folder(folder: &Path) -> Result<PathBuf, ExchangeError> {
    let checked = crate::output::folder(folder)?;
    Ok(std::fs::canonicalize(&checked).unwrap_or(checked))
}

/// A folder a sync reads and writes: it must be there already (a synced
/// folder not yet synced, or a stick not plugged in, is said so, never
/// made anew on this disk).
fn existing_folder(folder: &Path) -> Result<PathBuf, ExchangeError> {
    if !folder.is_dir() {
        return Err(ExchangeError::Message(format!(
            "The folder {} is not there; plug in the drive it is on, or give the folder with `headway sync FOLDER`.",
            folder.display()
        )));
    }
    linked_folder(folder)
}

/// Writes the school's changes not yet sent into `into`, if there are any.
fn send(
    store: &mut Store,
    uuid: &str,
    school: &str,
    into: &Path,
    done: &mut Synced,
) -> Result<(), ExchangeError> {
    let Some((bundle, upto)) = store.pending_bundle(uuid)? else {
        // Nothing to send is still an exchange: the folder was reached.
        store.mark_sent(uuid, 0)?;
        return Ok(());
    };
    // Named by the copy, its place in its log and its newest change's
    // time: two files that share an identity (one copied from the other)
    // never write over each other's bundles.
    let newest = bundle
        .entries
        .iter()
        .map(|e| e.head.stamp)
        .max()
        .unwrap_or(0);
    let path = into.join(format!(
        "{}.{}.{:08}.{:x}.{EXTENSION}",
        slug(school),
        short(&bundle.header.from_copy),
        upto,
        newest
    ));
    write_bundle(store, &path, &bundle)?;
    store.mark_sent(uuid, upto)?;
    done.said.push(format!(
        "Wrote {} change{} of {} to {}.",
        bundle.entries.len(),
        if bundle.entries.len() == 1 { "" } else { "s" },
        school,
        path.display()
    ));
    Ok(())
}

/// The name of another school whose bundle (other than a roll-up) is in
/// `folder`, if there is one.
fn other_school_in(folder: &Path, school: &str) -> Option<String> {
    let entries = std::fs::read_dir(folder).ok()?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != EXTENSION) {
            continue;
        }
        let Ok(bytes) = read_small(&path) else {
            continue;
        };
        if let Ok(bundle) = Bundle::read(&bytes) {
            if bundle.header.school != school && bundle.header.kind != Kind::Rollup {
                return Some(bundle.header.school_name);
            }
        }
    }
    None
}

/// A bundle's bytes; a file too large to be one is refused unread.
fn read_small(path: &Path) -> Result<Vec<u8>, String> {
    const LARGEST: u64 = 512 * 1024 * 1024;
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("could not be read ({})", crate::output::reason(&e)))?;
    if !meta.is_file() {
        return Err("is not a file".into());
    }
    if meta.len() > LARGEST {
        return Err("is too large to be a bundle".into());
    }
    std::fs::read(path).map_err(|e| format!("could not be read ({})", crate::output::reason(&e)))
}

/// What taking in a folder of roll-ups did.
#[derive(Debug, Clone, Default)]
pub struct RolledUp {
    pub taken: Vec<String>,
    pub already: usize,
    pub refused: Vec<String>,
}

/// Writes a roll-up of each school (or only `school`) into `folder`, for a
/// trust's file: levels, action status, RAG, impact and dates, and notes
/// only with `notes`; confidential text never. Returns the files written.
pub fn write_rollups(
    store: &Store,
    school: Option<&str>,
    folder: &Path,
    notes: bool,
) -> Result<Vec<PathBuf>, ExchangeError> {
    let folder = linked_folder(folder)?;
    let schools: Vec<(i64, String)> = match school {
        Some(name) => vec![school_named(store, name)?],
        None => store
            .schools()?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect(),
    };
    let mut written = Vec::new();
    for (id, name) in schools {
        let bundle = store.rollup_bundle(id, notes)?;
        // Named by the school and the copy that wrote it, so the school's
        // own roll-up and its liaison's never write over each other.
        let path = folder.join(format!(
            "{}.{}.{}.rollup.{EXTENSION}",
            slug(&name),
            short(&bundle.header.school),
            short(&bundle.header.from_copy)
        ));
        write_bundle(store, &path, &bundle)?;
        written.push(path);
    }
    Ok(written)
}

/// Takes every roll-up in `folder` into this (a trust's) file, each school
/// in its own transaction.
pub fn take_rollups(store: &mut Store, folder: &Path) -> Result<RolledUp, ExchangeError> {
    let folder = existing_folder(folder)?;
    let mut done = RolledUp::default();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|source| {
            ExchangeError::Message(format!(
                "The folder {} could not be read: {}.",
                folder.display(),
                crate::output::reason(&source)
            ))
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == EXTENSION))
        .collect();
    paths.sort();
    for path in paths {
        let shown = path.display().to_string();
        let bundle = match read_small(&path)
            .map_err(|why| format!("{shown} {why}"))
            .and_then(|bytes| Bundle::read(&bytes).map_err(|e| format!("The bundle {shown} {e}")))
        {
            Ok(b) => b,
            Err(why) => {
                done.refused
                    .push(format!("{why}; nothing of it was taken."));
                continue;
            }
        };
        if bundle.header.kind != Kind::Rollup {
            continue;
        }
        match store.apply_rollup(&bundle) {
            Ok(crate::store::RolledUp::Taken { school }) => done.taken.push(school),
            Ok(crate::store::RolledUp::Already { .. }) => done.already += 1,
            Err(StoreError::Conflict(why)) => done.refused.push(format!(
                "The bundle {shown} {why}; nothing of it was taken."
            )),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}
