//! The crash drill: a deterministic script of user changes (judgements,
//! rationales typed in steps, deferrals, plan edits, check-ins), each one a
//! single committed change, for the test that kills headway at random
//! moments and checks that nothing acknowledged was lost or half-applied.
//! `headway drill` runs it and prints `ack N` once change N is committed.

use jiff::civil::{date, Date};
use jiff::ToSpan;

use crate::domain::evaluation::TextField;
use crate::domain::plan::{DraftSeed, Rag};
use crate::store::{ActionField, NewEvaluation, Store, StoreError};

const TOOL: &str = "curriculum-sequencing";

/// One user change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    AddSchool,
    StartEvaluation,
    Judge {
        key: usize,
        level: u8,
    },
    Type {
        key: usize,
        text: String,
        starts_edit: bool,
    },
    Defer {
        key: usize,
        deferred: bool,
    },
    Draft {
        title: String,
    },
    Accept {
        action: i64,
        on: Date,
    },
    SetOwner {
        action: i64,
        owner: String,
    },
    CheckIn {
        action: i64,
        on: Date,
        rag: Rag,
    },
    Note {
        check_in: i64,
        text: String,
    },
}

/// A small, well-mixed random number from the seed and step (SplitMix64).
fn mix(seed: u64, step: u64) -> u64 {
    let mut z = seed ^ step.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The first `count` changes of the script for `seed`.
pub fn script(seed: u64, count: usize) -> Vec<Op> {
    let mut ops = Vec::with_capacity(count);
    let (mut actions, mut check_ins) = (0i64, 0i64);
    for i in 0..count {
        let r = mix(seed, i as u64);
        let key = (r >> 16) as usize % 15;
        let on = date(2026, 9, 1)
            .checked_add(((i % 80) as i64).days())
            .unwrap_or(date(2026, 9, 1));
        let op = match (i, r % 13) {
            (0, _) => Op::AddSchool,
            (1, _) => Op::StartEvaluation,
            (_, 0..=2) => Op::Judge {
                key,
                level: (r >> 8) as u8 % 4 + 1,
            },
            (_, 3..=6) => Op::Type {
                key,
                // Typing grows the text a few letters at a time.
                text: format!(
                    "rationale at step {i}: {}",
                    "evidence ".repeat((r >> 24) as usize % 4)
                ),
                starts_edit: (r >> 40).is_multiple_of(3),
            },
            (_, 7) => Op::Defer {
                key,
                deferred: (r >> 8).is_multiple_of(2),
            },
            (_, 8) => {
                actions += 1;
                Op::Draft {
                    title: format!("Action drafted at step {i}"),
                }
            }
            (_, 9) if actions > 0 => Op::Accept {
                action: 1 + (r >> 8) as i64 % actions,
                on,
            },
            (_, 10) if actions > 0 => Op::SetOwner {
                action: 1 + (r >> 8) as i64 % actions,
                owner: format!("Owner {i}"),
            },
            (_, 11) if actions > 0 => {
                check_ins += 1;
                Op::CheckIn {
                    action: 1 + (r >> 8) as i64 % actions,
                    on,
                    rag: [Rag::Green, Rag::Amber, Rag::Red][(r >> 12) as usize % 3],
                }
            }
            (_, 12) if check_ins > 0 => Op::Note {
                check_in: 1 + (r >> 8) as i64 % check_ins,
                text: format!("check-in note written at step {i}"),
            },
            _ => Op::Judge { key, level: 2 },
        };
        ops.push(op);
    }
    ops
}

/// Applies one change as the app would: one committed transaction.
pub fn apply(store: &mut Store, op: &Op) -> Result<(), StoreError> {
    let key = |k: &usize| -> Result<String, StoreError> { Ok(store_keys(store)?[*k % 15].clone()) };
    match op {
        Op::AddSchool => store.add_school("Drill Primary School").map(|_| ()),
        Op::StartEvaluation => store
            .create_evaluation(&NewEvaluation {
                school_id: 1,
                tool_id: TOOL.into(),
                tool_version: 1,
                scope: "English".into(),
                cycle: "Autumn 2026".into(),
                attendees: "Liaison and head".into(),
            })
            .map(|_| ()),
        Op::Judge { key: k, level } => {
            let k = key(k)?;
            store.set_level(1, &k, Some(*level))
        }
        Op::Type {
            key: k,
            text,
            starts_edit,
        } => {
            let k = key(k)?;
            store.set_text(1, &k, TextField::Rationale, text, *starts_edit)
        }
        Op::Defer { key: k, deferred } => {
            let k = key(k)?;
            store.set_deferred(1, &k, *deferred)
        }
        Op::Draft { title } => store
            .add_drafts(
                1,
                &[DraftSeed {
                    title: title.clone(),
                    reason: String::new(),
                    impact_check: String::new(),
                    statements: Vec::new(),
                }],
            )
            .map(|_| ()),
        Op::Accept { action, on } => store.accept_action(*action, *on),
        Op::SetOwner { action, owner } => {
            store.set_action_field(*action, ActionField::Owner, Some(owner), true)
        }
        Op::CheckIn { action, on, rag } => store.add_check_in(*action, *on, *rag).map(|_| ()),
        Op::Note { check_in, text } => store.set_check_in_text(*check_in, false, text),
    }
}

fn store_keys(store: &Store) -> Result<Vec<String>, StoreError> {
    Ok(store.tool(TOOL, 1)?.statement_keys())
}

/// Runs changes `from..from + count` of the script, printing `ack N` after
/// each commit.
pub fn run(store: &mut Store, seed: u64, from: usize, count: usize) -> Result<(), StoreError> {
    let ops = script(seed, from + count);
    for (i, op) in ops.iter().enumerate().skip(from) {
        apply(store, op)?;
        crate::console::line(&format!("ack {i}"));
    }
    Ok(())
}
