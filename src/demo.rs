//! `headway demo`: a small, believable example to look around in before a
//! first meeting. Two schools, each with two cycles of one evaluation, a plan
//! drafted from the weak statements, and weeks of check-ins.

use jiff::civil::Date;
use jiff::ToSpan;

use crate::domain::cycle::term_label;
use crate::domain::evaluation::TextField;
use crate::domain::plan::{DraftSeed, Rag};
use crate::store::{ActionField, NewEvaluation, Store, StoreError};

/// One school's example: its tool and scope, the people in the room, and for
/// each statement in tool order the two cycles' judgements and rationales.
struct Example {
    school: &'static str,
    tool: &'static str,
    scope: &'static str,
    attendees: &'static str,
    /// (first level, second level or 0 to carry forward, or 9 to defer the
    /// first time; rationale)
    judgements: &'static [(u8, u8, &'static str)],
    owner: &'static str,
    checker: &'static str,
}

const EXAMPLES: &[Example] = &[
    Example {
        school: "Oakfield Primary School",
        tool: "curriculum-sequencing",
        scope: "English",
        attendees: "Liaison: R. Patel; Head: S. Morgan; English lead: D. Okafor",
        judgements: &[
            (3, 0, "The English lead explained the end points clearly; staff gave the same account."),
            (2, 3, "Lower-attaining pupils in Year 5 were given simplified texts instead of support to read the class text."),
            (2, 2, "Units name topics, not the knowledge to be remembered; Year 3 and 4 plans differ in detail."),
            (3, 0, "The reading spine reflects the community, and the choices were explained well."),
            (9, 3, "Now mapped from Reception to Year 6, with the story written down for staff."),
            (2, 3, "Grammar concepts reappear, but vocabulary does not build from year to year."),
            (3, 0, "Teachers could say why each unit sits where it does."),
            (2, 2, "Links between units are in the plans but teachers rarely make them in lessons."),
            (3, 3, "Text complexity rises steadily; the Year 6 texts are demanding."),
            (1, 2, "Pupils in the book looks could not say how this unit built on the last."),
            (3, 0, "Phonics training for all new staff was completed in September."),
            (2, 3, "Retrieval starters are now in most lessons seen; a year ago they were rare."),
            (3, 0, "Termly quizzes feed into planning; the Year 4 unit was changed as a result."),
            (4, 0, "Weakest readers are identified within two weeks of entry and read daily with an adult."),
            (3, 0, "Reviewed each summer, with changes logged in the subject file."),
        ],
        owner: "D. Okafor",
        checker: "S. Morgan",
    },
    Example {
        school: "Riverside Academy",
        tool: "behaviour-attendance",
        scope: "Whole school",
        attendees: "Liaison: R. Patel; Head: A. Lindqvist; Deputy: M. Byrne",
        judgements: &[
            (3, 0, "Pupils in every year group could recite the three routines."),
            (2, 3, "Corridor expectations were applied differently by each year team."),
            (3, 0, "Behaviour curriculum taught in tutor time each Monday."),
            (3, 3, "Lessons observed were calm; low-level chatter in two Year 9 groups."),
            (2, 2, "Detentions are set but not always followed up by the same adult."),
            (9, 2, "Logs now analysed half-termly, but the analysis is not yet acted on."),
            (3, 0, "Every suspension is reviewed by the deputy with the family."),
            (3, 0, "Pupil survey: most know who to tell, and reports are logged."),
            (1, 2, "Attendance 91.2%, below similar schools; Year 10 the lowest."),
            (2, 3, "Persistent absence down from 24% to 19% since the attendance officer started."),
            (3, 0, "Phone call before 9:30 on the first day of every absence."),
            (2, 2, "Family meetings happen, but plans are not reviewed."),
            (3, 0, "Lateness fell after the gate routine changed."),
        ],
        owner: "M. Byrne",
        checker: "A. Lindqvist",
    },
];

fn fail(message: String) -> StoreError {
    StoreError::Missing(message)
}

/// Fills an empty database with the example; refuses one that has schools.
pub fn fill(store: &mut Store, today: Date) -> Result<(), StoreError> {
    if !store.schools()?.is_empty() {
        return Err(fail(format!(
            "{} already has schools, and the demo only fills an empty database; give --db a new file.",
            store.path().display()
        )));
    }
    let first_cycle = today.checked_sub(5.months()).unwrap_or(today);
    for example in EXAMPLES {
        fill_school(store, example, first_cycle, today)?;
    }
    Ok(())
}

fn fill_school(
    store: &mut Store,
    example: &Example,
    first_day: Date,
    today: Date,
) -> Result<(), StoreError> {
    let school = store.add_school(example.school)?;
    let tool = store
        .latest_tools()?
        .into_iter()
        .find(|t| t.id == example.tool)
        .ok_or_else(|| fail(format!("The shipped tool {} is missing.", example.tool)))?;
    let tool = store.tool(&tool.id, tool.version)?;
    let keys = tool.statement_keys();
    let top = tool.scale.len();
    let new = |cycle: String| NewEvaluation {
        school_id: school.id,
        tool_id: tool.id.clone(),
        tool_version: tool.version,
        scope: example.scope.into(),
        cycle,
        attendees: example.attendees.into(),
    };
    // The first cycle.
    let first = store.create_evaluation(&new(term_label(first_day)))?;
    for (key, (level, _, rationale)) in keys.iter().zip(example.judgements) {
        if *level == 9 {
            store.set_deferred(first, key, true)?;
            store.set_text(
                first,
                key,
                TextField::DeferNote,
                "We need the book looks from next term first.",
                true,
            )?;
            continue;
        }
        store.set_level(first, key, Some((*level).min(top)))?;
        store.set_text(first, key, TextField::Rationale, rationale, true)?;
    }
    // A plan from the weak statements: the first two accepted, with owners,
    // dates and check-ins every fortnight since.
    let judgements = store.judgements(first)?;
    let seeds: Vec<DraftSeed> = crate::domain::plan::draft_from_weak(&tool, &judgements, &[]);
    let ids = store.add_drafts(first, &seeds)?;
    let start = first_day.checked_add(2.weeks()).unwrap_or(first_day);
    let notes = [
        (Rag::Amber, "Started; two staff still to be trained."),
        (
            Rag::Amber,
            "Half the classes have the new planning in place.",
        ),
        (
            Rag::Green,
            "All classes using it; book looks show the change.",
        ),
        (
            Rag::Green,
            "Pupil voice confirms it: they can explain the links.",
        ),
    ];
    for (n, id) in ids.iter().take(2).enumerate() {
        store.accept_action(*id, start)?;
        let due = today
            .checked_add((4 + 4 * n as i32).weeks())
            .unwrap_or(today);
        for (field, value) in [
            (ActionField::Owner, example.owner.to_string()),
            (ActionField::Checker, example.checker.to_string()),
            (ActionField::Start, start.to_string()),
            (ActionField::Due, due.to_string()),
            (ActionField::Cadence, "fortnightly".to_string()),
            (
                ActionField::SuccessCriteria,
                "Seen in books and in pupils' answers by the next evaluation.".to_string(),
            ),
        ] {
            store.set_action_field(*id, field, Some(&value), true)?;
        }
        // Check-ins every fortnight, the last one three weeks ago so one is due.
        let mut on = start.checked_add(2.weeks()).unwrap_or(start);
        let last = today.checked_sub(3.weeks()).unwrap_or(today);
        let mut i = 0;
        while on <= last && i < 8 {
            let (rag, note) = notes[i.min(notes.len() - 1)];
            let check = store.add_check_in(*id, on, rag)?;
            store.set_check_in_text(check, false, note)?;
            on = on.checked_add(2.weeks()).unwrap_or(today);
            i += 1;
        }
    }
    // The second cycle: carried where the meeting saw no change, re-judged
    // where it did.
    let second = store.create_evaluation(&new(term_label(today)))?;
    for (key, (level, again, rationale)) in keys.iter().zip(example.judgements) {
        match *again {
            0 if *level != 9 => {
                store.carry_forward(second, key, first)?;
            }
            0 => {}
            again => {
                store.set_level(second, key, Some(again.min(top)))?;
                let note = if *level == 9 {
                    rationale.to_string()
                } else if again > *level {
                    "Improved since last cycle: the plan's action shows in books and lessons."
                        .into()
                } else {
                    format!("No change yet. {rationale}")
                };
                store.set_text(second, key, TextField::Rationale, &note, true)?;
            }
        }
    }
    Ok(())
}
