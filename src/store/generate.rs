//! A generated file of the size a liaison's or a trust's file reaches, for
//! benchmarks and the tests that guard speed: seeded and reproducible, valid
//! in every table, and written in one transaction so it takes seconds.

use rusqlite::params;

use super::{new_uuid, Store};

/// The shape of a generated file. `Shape::liaison()` is a liaison's file
/// after a few years: 20 schools, 8 tools of 60 statements, 12 cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub schools: usize,
    pub tools: usize,
    pub aspects_per_tool: usize,
    pub statements_per_aspect: usize,
    pub cycles: usize,
    /// Actions per evaluation, on average.
    pub actions_per_evaluation: usize,
    /// Check-ins per accepted action, at most: weekly from its start, and
    /// none after `as_of`.
    pub check_ins_per_action: usize,
    pub seed: u64,
    /// The day the file is as of: its newest cycle is the last to start by
    /// then, and the actions of cycles before the two newest are closed,
    /// as a liaison's old plans are.
    pub as_of: jiff::civil::Date,
}

impl Shape {
    pub fn liaison() -> Shape {
        Shape {
            schools: 20,
            tools: 8,
            aspects_per_tool: 6,
            statements_per_aspect: 10,
            cycles: 12,
            actions_per_evaluation: 3,
            check_ins_per_action: 12,
            seed: 2026,
            as_of: jiff::civil::date(2026, 11, 23),
        }
    }

    /// The same shape with another number of schools.
    pub fn with_schools(self, schools: usize) -> Shape {
        Shape { schools, ..self }
    }
}

/// A small, fast generator (xorshift), so a seed gives the same file.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A plausible sentence of `words` words from a small vocabulary.
    fn sentence(&mut self, words: usize) -> String {
        const WORDS: &[&str] = &[
            "pupils",
            "reading",
            "phonics",
            "book",
            "looks",
            "show",
            "teachers",
            "plans",
            "year",
            "units",
            "knowledge",
            "vocabulary",
            "attendance",
            "behaviour",
            "leaders",
            "staff",
            "governors",
            "evidence",
            "lessons",
            "curriculum",
            "sequence",
            "gaps",
            "send",
            "support",
            "parents",
            "survey",
            "visits",
            "data",
            "progress",
            "secure",
            "weak",
            "emerging",
            "strong",
            "maths",
            "writing",
            "science",
            "history",
            "review",
        ];
        let mut out = String::new();
        for i in 0..words {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(WORDS[self.below(WORDS.len() as u64) as usize]);
        }
        out.push('.');
        out
    }
}

/// The TOML of generated tool number `n`.
fn tool_source(n: usize, shape: &Shape, dice: &mut Dice) -> String {
    let mut toml = format!(
        "id = \"generated-{n}\"\nversion = 1\ntitle = \"Generated tool {n}\"\narea = \"Area {n}\"\n"
    );
    for a in 0..shape.aspects_per_tool {
        toml.push_str(&format!(
            "\n[[aspects]]\nid = \"aspect-{a}\"\ntitle = \"Aspect {a}: {}\"\n",
            dice.sentence(3).trim_end_matches('.')
        ));
        for s in 0..shape.statements_per_aspect {
            toml.push_str(&format!(
                "\n[[aspects.statements]]\nid = \"statement-{s}\"\ntext = \"{}\"\n",
                dice.sentence(14)
            ));
        }
    }
    toml
}

const RAGS: [&str; 3] = ["green", "amber", "red"];
/// Each cadence and the days between its checks.
const CADENCES: [(&str, i64); 4] = [
    ("weekly", 7),
    ("fortnightly", 14),
    ("monthly", 30),
    ("half-termly", 42),
];
const IMPACTS: [&str; 3] = ["none seen", "some", "strong"];
const OPEN_STATUSES: [&str; 3] = ["not started", "in progress", "done"];
const CLOSED_STATUSES: [&str; 4] = ["done", "done", "done", "dropped"];

/// Each term's meeting: its name and the day of the month it is held.
const TERMS: [(&str, i8); 3] = [("Spring", 2), ("Summer", 6), ("Autumn", 10)];

/// The meeting day and name of cycle `cycle` of `cycles`, three a year,
/// the last being the newest meeting held by `as_of`.
fn cycle_of(cycle: usize, cycles: usize, as_of: jiff::civil::Date) -> (jiff::civil::Date, String) {
    // Terms counted from year 0: three a year, Spring first.
    let held = TERMS
        .iter()
        .rposition(|(_, month)| *month <= as_of.month())
        .map_or(i64::from(as_of.year()) * 3 - 1, |t| {
            i64::from(as_of.year()) * 3 + t as i64
        });
    let term = held - (cycles - 1 - cycle) as i64;
    let (name, month) = TERMS[term.rem_euclid(3) as usize];
    let year = term.div_euclid(3) as i16;
    (jiff::civil::date(year, month, 1), format!("{name} {year}"))
}

impl Store {
    /// Fills an empty database with a generated file of `shape`: its tools,
    /// schools, evaluations with judgements (some deferred, some
    /// confidential, some carried), actions with milestones and check-ins.
    pub fn generate(&mut self, shape: &Shape) -> super::Result<()> {
        let mut dice = Dice(shape.seed.max(1));
        let mut tools = Vec::new();
        for n in 0..shape.tools {
            let source = tool_source(n, shape, &mut dice);
            self.import_tool(&source)?;
            tools.push(format!("generated-{n}"));
        }
        // Schools were added before the first cycle generated.
        let stamp = format!("{}T09:00:00Z", cycle_of(0, shape.cycles, shape.as_of).0);
        self.write_unrecorded(|tx| {
            // The search indexes are built once at the end, far quicker
            // than row by row through their triggers.
            let triggers: Vec<String> = tx
                .prepare(
                    "SELECT name, sql FROM sqlite_schema
                     WHERE type = 'trigger' AND name LIKE '%search_insert'",
                )?
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .map(|row| {
                    let (name, sql) = row?;
                    tx.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
                    Ok(sql)
                })
                .collect::<rusqlite::Result<_>>()?;
            let mut school_row = tx.prepare(
                "INSERT INTO schools (uuid, name, created_at) VALUES (?3, ?1, ?2)",
            )?;
            let mut evaluation_row = tx.prepare(
                "INSERT INTO evaluations (uuid, school_uuid, tool_id, tool_version, scope, cycle,
                     attendees, created_at)
                 VALUES (?7, ?1, ?2, 1, ?3, ?4, ?5, ?6)",
            )?;
            let mut judgement_row = tx.prepare(
                "INSERT INTO judgements (evaluation_uuid, statement_key, level, deferred, rationale,
                     evidence, defer_note, updated_at, carried_from, confidential)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut action_row = tx.prepare(
                "INSERT INTO actions (uuid, evaluation_uuid, stage, accepted_on, title, reason, owner,
                     checker, start_date, due_date, success_criteria, impact_check, cadence, status,
                     impact, created_at, updated_at)
                 VALUES (?14, ?1, 'accepted', ?2, ?3, ?4, ?5, ?6, ?2, ?7, ?8, ?9, ?10, ?11, ?12,
                     ?13, ?13)",
            )?;
            let mut addresses_row = tx.prepare(
                "INSERT INTO action_statements (action_uuid, statement_key, position) VALUES (?1, ?2, 0)",
            )?;
            let mut milestone_row = tx.prepare(
                "INSERT INTO milestones (uuid, action_uuid, due_date, text) VALUES (?4, ?1, ?2, ?3)",
            )?;
            let mut check_in_row = tx.prepare(
                "INSERT INTO checkins (uuid, action_uuid, checked_on, rag, note, impact_note,
                     created_at, confidential)
                 VALUES (?8, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for s in 0..shape.schools {
                let school = new_uuid();
                school_row.execute(params![format!("Generated School {s:04}"), stamp, school])?;
                for tool in &tools {
                    let mut previous: Option<String> = None;
                    for cycle in 0..shape.cycles {
                        let (day, name) = cycle_of(cycle, shape.cycles, shape.as_of);
                        let recent = cycle + 2 >= shape.cycles;
                        // Rows are stamped on the day they would have been written.
                        let stamp = format!("{day}T09:00:00Z");
                        let evaluation = new_uuid();
                        evaluation_row.execute(params![
                            school,
                            tool,
                            "Whole school",
                            name,
                            "Liaison: A. Adviser; Head: B. Head",
                            &stamp,
                            evaluation,
                        ])?;
                        let mut weak = Vec::new();
                        for a in 0..shape.aspects_per_tool {
                            for st in 0..shape.statements_per_aspect {
                                let key = format!("{tool}/aspect-{a}/statement-{st}");
                                let deferred = dice.chance(4);
                                let level = (!deferred).then(|| 1 + dice.below(4) as i64);
                                let carried = previous.as_ref().filter(|_| dice.chance(20));
                                if level.is_some_and(|l| l <= 2) {
                                    weak.push(key.clone());
                                }
                                judgement_row.execute(params![
                                    evaluation,
                                    key,
                                    level,
                                    deferred as i64,
                                    if deferred { String::new() } else { dice.sentence(10) },
                                    if dice.chance(30) { dice.sentence(8) } else { String::new() },
                                    if deferred { dice.sentence(6) } else { String::new() },
                                    &stamp,
                                    carried.filter(|_| level.is_some()),
                                    dice.chance(3) as i64,
                                ])?;
                            }
                        }
                        previous = Some(evaluation.clone());
                        for key in weak.iter().take(shape.actions_per_evaluation) {
                            let due = day.checked_add(jiff::Span::new().days(120)).unwrap_or(day);
                            let cadence = dice.below(4) as usize;
                            let status = if recent {
                                OPEN_STATUSES[dice.below(3) as usize]
                            } else {
                                CLOSED_STATUSES[dice.below(4) as usize]
                            };
                            // Done work has had its impact judged; the rest not yet.
                            let impact = if status == "done" {
                                IMPACTS[dice.below(3) as usize]
                            } else {
                                "not yet known"
                            };
                            let action = new_uuid();
                            action_row.execute(params![
                                evaluation,
                                day.to_string(),
                                format!("Improve {}", dice.sentence(4).trim_end_matches('.')),
                                dice.sentence(10),
                                format!("Owner {}", dice.below(40)),
                                format!("Checker {}", dice.below(10)),
                                due.to_string(),
                                dice.sentence(8),
                                dice.sentence(8),
                                CADENCES[cadence].0,
                                status,
                                impact,
                                &stamp,
                                action,
                            ])?;
                            addresses_row.execute(params![action, key])?;
                            milestone_row.execute(params![
                                action,
                                day.checked_add(jiff::Span::new().days(30)).unwrap_or(day).to_string(),
                                dice.sentence(5),
                                new_uuid(),
                            ])?;
                            // Work not started has not been checked; the rest is
                            // checked at its cadence, up to the day.
                            let check_ins = if status == "not started" {
                                0
                            } else {
                                shape.check_ins_per_action
                            };
                            for c in 0..check_ins {
                                let on = day
                                    .checked_add(
                                        jiff::Span::new().days(CADENCES[cadence].1 * (c as i64 + 1)),
                                    )
                                    .unwrap_or(day);
                                if on > shape.as_of {
                                    break;
                                }
                                check_in_row.execute(params![
                                    action,
                                    on.to_string(),
                                    RAGS[dice.below(3) as usize],
                                    dice.sentence(9),
                                    if dice.chance(25) { dice.sentence(6) } else { String::new() },
                                    format!("{on}T16:00:00Z"),
                                    dice.chance(3) as i64,
                                    new_uuid(),
                                ])?;
                            }
                        }
                    }
                }
            }
            super::plans::refresh_all_next_checks(tx)?;
            for index in super::search::SEARCH_INDEXES {
                tx.execute_batch(&format!("INSERT INTO {index} ({index}) VALUES ('rebuild')"))?;
            }
            for sql in triggers {
                tx.execute_batch(&sql)?;
            }
            Ok(())
        })
    }
}
