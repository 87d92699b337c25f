//! Exports and reports: each a pure function of domain data to text.

pub mod csv;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod report;
