//! One file per screen: its state, its keys and its view.

pub mod across;
pub mod action;
pub mod checkin;
pub mod compare;
pub mod conflicts;
pub mod drafts;
pub mod finder;
pub mod home;
pub mod new_evaluation;
pub mod plan;
pub mod summary;
pub mod walk;
