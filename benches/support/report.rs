//! One line per measurement: what was measured, its floor from the same
//! run, their ratio, and the target with PASS or FAIL. A bench never fails
//! the build; it reports.

use std::fmt;
use std::time::Duration;

/// A measured quantity.
#[derive(Clone, Copy, Debug)]
pub enum Amount {
    Time(Duration),
    /// Bytes written to a terminal or a file.
    Bytes(u64),
    /// Peak resident memory, in bytes.
    Memory(u64),
}

impl Amount {
    fn number(self) -> f64 {
        match self {
            Amount::Time(d) => d.as_secs_f64(),
            Amount::Bytes(n) | Amount::Memory(n) => n as f64,
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match *self {
            Amount::Time(d) if d < Duration::from_secs(1) => {
                format!("{:.2} ms", d.as_secs_f64() * 1e3)
            }
            Amount::Time(d) => format!("{:.2} s", d.as_secs_f64()),
            Amount::Bytes(n) if n < 10_000 => format!("{n} B"),
            Amount::Bytes(n) if n < 10_000_000 => format!("{:.1} KB", n as f64 / 1e3),
            Amount::Bytes(n) => format!("{:.1} MB", n as f64 / 1e6),
            Amount::Memory(n) => format!("{:.1} MB", n as f64 / 1e6),
        };
        // Padding given by the caller applies to the whole text.
        f.pad(&text)
    }
}

/// What a measurement should meet.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// The measured amount itself, whatever the floor.
    AtMost(Amount),
    /// Measured divided by floor.
    RatioBelow(f64),
    RatioAtMost(f64),
    /// Nothing to judge: the line is there to be read beside the others.
    None,
}

impl Target {
    fn describe(self) -> String {
        match self {
            Target::AtMost(a) => format!("<= {a}"),
            Target::RatioBelow(r) => format!("ratio < {r}"),
            Target::RatioAtMost(r) => format!("ratio <= {r}"),
            Target::None => "-".into(),
        }
    }

    fn met(self, measured: Amount, ratio: Option<f64>) -> Option<bool> {
        match self {
            Target::AtMost(limit) => Some(measured.number() <= limit.number()),
            Target::RatioBelow(r) => ratio.map(|x| x < r),
            Target::RatioAtMost(r) => ratio.map(|x| x <= r),
            Target::None => None,
        }
    }
}

/// Prints a heading for the lines that follow.
pub fn section(title: &str) {
    println!();
    println!("== {title}");
    println!(
        "  {:<40} {:>11}  {:>11}  {:>7}  {:<17} result",
        "what", "measured", "floor", "ratio", "target"
    );
}

/// Prints one measurement beside its floor.
pub fn line(what: &str, measured: Amount, floor: Option<Amount>, target: Target) {
    let ratio = floor.map(|f| measured.number() / f.number());
    let verdict = match target.met(measured, ratio) {
        Some(true) => "PASS",
        Some(false) => "FAIL",
        // A ratio target whose floor could not be measured.
        None if !matches!(target, Target::None) => "no floor",
        None => "-",
    };
    println!(
        "  {:<40} {:>11}  {:>11}  {:>7}  {:<17} {verdict}",
        what,
        measured,
        floor.map_or("-".to_string(), |f| f.to_string()),
        ratio.map_or("-".to_string(), |r| format!("{r:.2}")),
        target.describe(),
    );
}

/// A measurement that could not be taken, counted as failed when it had a
/// target.
pub fn missing(what: &str, target: Target, why: &str) {
    let verdict = match target {
        Target::None => "-",
        _ => "FAIL",
    };
    println!(
        "  {:<40} {:>11}  {:>11}  {:>7}  {:<17} {verdict}",
        what,
        "none",
        "-",
        "-",
        target.describe()
    );
    for reason in why.lines() {
        println!("      {reason}");
    }
}

/// A line of explanation under the measurements.
pub fn note(text: &str) {
    println!("  · {text}");
}

/// The middle value (the upper middle of an even count); `None` if empty.
pub fn median<T: Ord + Copy>(values: &[T]) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied()
}

/// The nearest-rank percentile `p` (0 to 100); `None` if empty.
pub fn percentile<T: Ord + Copy>(values: &[T], p: usize) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}
