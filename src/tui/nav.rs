//! What screens share with the app: where a key sends the user (`Nav`), the
//! status line (`Status`), and what a screen may use while it handles a key
//! (`Ctx`). Screens import these from here, never from the app itself.

use jiff::civil::Date;

use crate::store::Store;

/// Where a key press sends the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    Stay,
    Home,
    NewEvaluation {
        school_id: i64,
    },
    /// Open the walk; `None` resumes at the first statement not yet judged.
    Walk {
        evaluation: i64,
        index: Option<usize>,
    },
    Summary {
        evaluation: i64,
    },
    /// Every cycle of the evaluation's school, tool and scope.
    /// Every school: weak aspects, shared weaknesses and plan health.
    Across,
    Compare {
        evaluation: i64,
    },
    /// The fields both copies of a school changed, to settle.
    Conflicts,
    CheckIn {
        filter: crate::agenda::Filter,
    },
    /// An evaluation's drafts and plan; `draft` first drafts from weak statements.
    Drafts {
        evaluation: i64,
        draft: bool,
    },
    /// A school's plan views.
    Plan {
        school: i64,
    },
    /// Edit one action, then go `back`.
    Action {
        id: i64,
        back: Box<Nav>,
    },
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    None,
    Info(String),
    Saved(String),
    Error(String),
    /// A change was not saved while no text box was open. Until Enter or
    /// Esc, keys are held, so what is typed next never runs as a command.
    Held(String),
}

/// What a screen gets to work with while it handles a key.
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub today: Date,
    pub status: &'a mut Status,
}

impl Ctx<'_> {
    pub fn saved(&mut self, what: &str) {
        let time = jiff::Zoned::now().strftime("%H:%M:%S").to_string();
        *self.status = Status::Saved(format!("{what} saved {time}"));
    }
    /// Something was done and saved, said as it is ("Marked done"), with
    /// the time.
    pub fn done(&mut self, what: &str) {
        let time = jiff::Zoned::now().strftime("%H:%M:%S").to_string();
        *self.status = Status::Saved(format!("{what} · {time}"));
    }
    pub fn error(&mut self, message: impl Into<String>) {
        *self.status = Status::Error(message.into());
    }
    /// A store call failed outside a text box: says so, and holds keys
    /// until the user has seen it (see `Status::Held`).
    pub fn failed(&mut self, what: &str, error: impl std::fmt::Display) {
        *self.status = Status::Held(format!("{what} not saved: {error}"));
    }
    pub fn info(&mut self, message: impl Into<String>) {
        *self.status = Status::Info(message.into());
    }
}
