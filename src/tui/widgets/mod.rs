//! Pieces two or more screens share.

pub mod confidential;
pub mod fit;
pub mod fuzzy;
pub mod help;
pub mod input;
pub mod layout;
pub mod note_box;
pub mod wrap_line;
