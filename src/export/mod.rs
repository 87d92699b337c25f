//! Exports: each a pure function of domain data to text.

pub mod json;
