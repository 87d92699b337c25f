//! One file per screen: its state, its keys and its view.

pub mod home;
pub mod new_evaluation;
pub mod summary;
pub mod walk;
