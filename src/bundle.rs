//! The file that carries one school's changes from one copy to another.
//!
//! A bundle is three lines and a body:
//!
//! ```text
//! headway bundle
//! sha256 <64 hex digits>
//! {"format":1, ...the header, as JSON...}
//! <body: the snapshot's changeset, then each change's, end to end>
//! ```
//!
//! The checksum covers the header line and the body, so a bundle altered
//! anywhere after the checksum line, or cut short, is refused whole. The
//! header says what the body holds: which copy wrote it, the school, and
//! each change's copy, number and length. Nothing here reads or writes the
//! database; the store applies what [`Bundle::read`] accepts.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The bundle format this build writes and reads.
pub const FORMAT: u32 = 1;

const MAGIC: &[u8] = b"headway bundle\n";

/// What a bundle is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A school's whole record, for a partner copy to start from.
    Share,
    /// Changes made since the last exchange.
    Changes,
    /// A school's record as it stands, for a trust's file: levels, action
    /// status, RAG, impact and dates, and notes only if the school allows.
    Rollup,
}

/// One recorded change, as the header lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryHead {
    pub copy: String,
    pub seq: i64,
    pub made_at: String,
    /// When it was made, on the writer's clock that never goes back past a
    /// change it has seen (nanoseconds since 1970).
    pub stamp: i64,
    pub len: u64,
}

/// A stored tool version that the school's evaluations use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolRow {
    pub tool_id: String,
    pub version: u32,
    pub title: String,
    pub area: String,
    pub source: String,
    pub origin: String,
    pub added_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub kind: Kind,
    /// The copy that wrote the bundle.
    pub from_copy: String,
    pub school: String,
    pub school_name: String,
    /// The writer's own change numbers the bundle ends at (its sequence
    /// range is `first_seq..=last_seq`; 0 when it holds none of its own).
    pub first_seq: i64,
    pub last_seq: i64,
    /// Where the bundle ends in the writer's own order of changes (its
    /// log), so a partner applies one writer's bundles in the order written.
    pub upto: i64,
    /// Whether notes marked confidential travel under this link.
    pub confidential: bool,
    pub snapshot_len: u64,
    pub entries: Vec<EntryHead>,
    pub tools: Vec<ToolRow>,
}

/// One change carried: its header entry and its changeset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub head: EntryHead,
    pub changeset: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub header: Header,
    /// For a share: the school's rows as inserts.
    pub snapshot: Vec<u8>,
    pub entries: Vec<Entry>,
}

/// Why a file is not a bundle this copy can take, in words that finish the
/// sentence "The bundle ...".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("is not a headway bundle")]
    Foreign,
    #[error("stops part way through (it was cut short while copying)")]
    CutShort,
    #[error("was altered after it was written (its checksum does not match)")]
    Altered,
    #[error("was written by a newer headway (bundle format {0}; this one reads {FORMAT}); update headway to read it")]
    Newer(u32),
}

fn checksum(header: &[u8], body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(header);
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Bundle {
    /// The bundle as the bytes of its file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut header = self.header.clone();
        header.snapshot_len = self.snapshot.len() as u64;
        for (head, entry) in header.entries.iter_mut().zip(&self.entries) {
            head.len = entry.changeset.len() as u64;
        }
        let json = serde_json::to_vec(&header).unwrap_or_default();
        let mut body = self.snapshot.clone();
        for entry in &self.entries {
            body.extend_from_slice(&entry.changeset);
        }
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(format!("sha256 {}\n", checksum(&json, &body)).as_bytes());
        out.extend_from_slice(&json);
        out.push(b'\n');
        out.extend_from_slice(&body);
        out
    }

    /// Reads a bundle, refusing one that is foreign, cut short, altered or
    /// from a newer headway.
    pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(BundleError::Foreign)?;
        let line_end = |b: &[u8]| b.iter().position(|&c| c == b'\n');
        let at = line_end(rest).ok_or(BundleError::CutShort)?;
        let sum = std::str::from_utf8(&rest[..at])
            .ok()
            .and_then(|l| l.strip_prefix("sha256 "))
            .filter(|s| s.len() == 64)
            .ok_or(BundleError::Altered)?
            .to_string();
        let rest = &rest[at + 1..];
        let at = line_end(rest).ok_or(BundleError::CutShort)?;
        let (json, body) = (&rest[..at], &rest[at + 1..]);
        // A newer format may lay out its header differently: only its
        // number is read before anything else is trusted.
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        if let Ok(v) = serde_json::from_slice::<Version>(json) {
            if v.format > FORMAT {
                return Err(BundleError::Newer(v.format));
            }
        }
        let header: Header = match serde_json::from_slice(json) {
            Ok(h) => h,
            Err(_) if checksum(json, body) != sum => return Err(BundleError::Altered),
            Err(_) => return Err(BundleError::Foreign),
        };
        let promised = header
            .entries
            .iter()
            .map(|e| e.len)
            .try_fold(header.snapshot_len, u64::checked_add)
            .ok_or(BundleError::Altered)?;
        if (body.len() as u64) < promised {
            return Err(BundleError::CutShort);
        }
        if checksum(json, body) != sum {
            return Err(BundleError::Altered);
        }
        if body.len() as u64 != promised {
            return Err(BundleError::Altered);
        }
        let (snapshot, mut rest) = body.split_at(header.snapshot_len as usize);
        let mut entries = Vec::with_capacity(header.entries.len());
        for head in &header.entries {
            let (changeset, after) = rest.split_at(head.len as usize);
            entries.push(Entry {
                head: head.clone(),
                changeset: changeset.to_vec(),
            });
            rest = after;
        }
        Ok(Bundle {
            snapshot: snapshot.to_vec(),
            entries,
            header,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        Bundle {
            header: Header {
                format: FORMAT,
                kind: Kind::Changes,
                from_copy: "copy-a".into(),
                school: "school-1".into(),
                school_name: "Oakfield".into(),
                first_seq: 3,
                last_seq: 4,
                upto: 9,
                confidential: true,
                snapshot_len: 0,
                entries: vec![
                    EntryHead {
                        copy: "copy-a".into(),
                        seq: 3,
                        made_at: "t".into(),
                        stamp: 1,
                        len: 0,
                    },
                    EntryHead {
                        copy: "copy-a".into(),
                        seq: 4,
                        made_at: "t".into(),
                        stamp: 1,
                        len: 0,
                    },
                ],
                tools: Vec::new(),
            },
            snapshot: Vec::new(),
            entries: vec![
                Entry {
                    head: EntryHead {
                        copy: "copy-a".into(),
                        seq: 3,
                        made_at: "t".into(),
                        stamp: 1,
                        len: 3,
                    },
                    changeset: vec![1, 2, 3],
                },
                Entry {
                    head: EntryHead {
                        copy: "copy-a".into(),
                        seq: 4,
                        made_at: "t".into(),
                        stamp: 1,
                        len: 2,
                    },
                    changeset: vec![9, 8],
                },
            ],
        }
    }

    #[test]
    fn a_bundle_reads_back_as_written() {
        let bytes = sample().to_bytes();
        let read = Bundle::read(&bytes).unwrap();
        assert_eq!(read.entries[0].changeset, vec![1, 2, 3]);
        assert_eq!(read.entries[1].changeset, vec![9, 8]);
        assert_eq!(read.header.school_name, "Oakfield");
    }

    #[test]
    fn a_cut_altered_newer_or_foreign_file_is_refused() {
        let bytes = sample().to_bytes();
        for cut in 0..bytes.len() {
            assert!(Bundle::read(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(
            Bundle::read(&bytes[..bytes.len() - 1]),
            Err(BundleError::CutShort)
        );
        let header_at = MAGIC.len() + 7 + 64 + 1;
        for at in header_at..bytes.len() {
            let mut altered = bytes.clone();
            altered[at] ^= 0x20;
            assert!(Bundle::read(&altered).is_err(), "altered at {at}");
        }
        let mut newer = sample();
        newer.header.format = FORMAT + 1;
        assert_eq!(
            Bundle::read(&newer.to_bytes()),
            Err(BundleError::Newer(FORMAT + 1))
        );
        assert_eq!(
            Bundle::read(b"SQLite format 3\0"),
            Err(BundleError::Foreign)
        );
        assert_eq!(Bundle::read(b""), Err(BundleError::Foreign));
    }
}
