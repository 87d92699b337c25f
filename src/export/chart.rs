//! The spread of judgements over a scale as a bar that reads without
//! colour or hover: one colour per level from a colour-blind safe
//! diverging palette, a hatch pattern per level so a black and white print
//! still tells the levels apart, and each segment's count printed in it.

use std::fmt::Write;

use crate::domain::evaluation::AspectSpread;
use crate::domain::tool::Scale;

/// ColorBrewer's red–blue diverging schemes (colour-blind safe), by the
/// number of levels: the weakest level red, the strongest blue.
fn palette(levels: usize) -> &'static [&'static str] {
    match levels {
        0..=2 => &["#ca0020", "#0571b0"],
        3 => &["#ef8a62", "#f7f7f7", "#67a9cf"],
        4 => &["#ca0020", "#f4a582", "#92c5de", "#0571b0"],
        5 => &["#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"],
        6 => &[
            "#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac",
        ],
        7 => &[
            "#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac",
        ],
        8 => &[
            "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac",
        ],
        _ => &[
            "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3",
            "#2166ac",
        ],
    }
}

/// Whether dark text or light text reads on a fill.
fn dark_fill(colour: &str) -> bool {
    let hex = |i: usize| u32::from_str_radix(&colour[i..i + 2], 16).unwrap_or(0);
    // Relative luminance, roughly (sRGB weights, no gamma).
    let y = 0.2126 * f64::from(hex(1)) + 0.7152 * f64::from(hex(3)) + 0.0722 * f64::from(hex(5));
    y < 110.0
}

/// How many hatch patterns the levels use (a scale has at most nine).
const PATTERNS: usize = 9;

/// The patterns, drawn once per page and used by every bar and legend.
/// Pattern 0 is plain; the rest are lines, dots and crossings in black
/// at partial opacity, so they show on light and dark fills alike.
pub fn pattern_defs() -> String {
    let strokes = [
        "",
        // Diagonal lines, rising.
        "<path d=\"M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2\" stroke-width=\"1.2\"/>",
        // Dots.
        "<circle cx=\"3\" cy=\"3\" r=\"1.1\" stroke=\"none\" fill=\"#000\"/>",
        // Diagonal lines, falling.
        "<path d=\"M-1,5 l2,2 M0,0 l6,6 M5,-1 l2,2\" stroke-width=\"1.2\"/>",
        // Horizontal lines.
        "<path d=\"M0,3 h6\" stroke-width=\"1.2\"/>",
        // Crossed diagonals.
        "<path d=\"M0,0 l6,6 M0,6 l6,-6\" stroke-width=\"0.9\"/>",
        // Vertical lines.
        "<path d=\"M3,0 v6\" stroke-width=\"1.2\"/>",
        // A grid.
        "<path d=\"M0,3 h6 M3,0 v6\" stroke-width=\"0.8\"/>",
        // Rings.
        "<circle cx=\"3\" cy=\"3\" r=\"1.6\" fill=\"none\" stroke-width=\"0.8\"/>",
        // A checker, kept for "left until next time".
        "<path d=\"M0,0 h3 v3 h-3 z M3,3 h3 v3 h-3 z\" stroke=\"none\" fill=\"#000\"/>",
    ];
    let mut out = String::from(
        "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\" focusable=\"false\"><defs>",
    );
    for (i, body) in strokes.iter().enumerate().skip(1) {
        let _ = write!(
            out,
            "<pattern id=\"hatch-{i}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">\
             <g stroke=\"#000\" stroke-opacity=\".55\" fill-opacity=\".55\">{body}</g></pattern>"
        );
    }
    out.push_str("</defs></svg>");
    out
}

/// How one kind of segment is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    pub colour: &'static str,
    /// 0 is plain.
    pub pattern: usize,
    /// Drawn with an outline (the pale "not yet judged").
    pub outlined: bool,
}

/// The fill for `level` (1-based) on a scale with `levels` levels.
pub fn level_fill(levels: usize, level: u8) -> Fill {
    let colours = palette(levels);
    let i = usize::from(level.max(1) - 1).min(colours.len() - 1);
    Fill {
        colour: colours[i],
        pattern: i % PATTERNS,
        outlined: colours[i] == "#f7f7f7",
    }
}

pub const DEFERRED: Fill = Fill {
    colour: "#8c8c8c",
    pattern: PATTERNS,
    outlined: false,
};

pub const NOT_JUDGED: Fill = Fill {
    colour: "#ffffff",
    pattern: 0,
    outlined: true,
};

/// One segment of a bar.
pub struct Segment {
    pub count: usize,
    pub fill: Fill,
    /// Read aloud and shown on hover: "3 at Secure".
    pub words: String,
}

/// The segments of a spread over `scale`, levels first (weakest to
/// strongest), then deferred, then not yet judged. Empty ones are left out.
pub fn segments(spread: &AspectSpread, scale: &Scale) -> Vec<Segment> {
    let levels = scale.levels.len();
    let mut out: Vec<Segment> = spread
        .at_level
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let level = i as u8 + 1;
            Segment {
                count,
                fill: level_fill(levels, level),
                words: format!("{count} at {level} {}", scale.label(level).unwrap_or("?")),
            }
        })
        .collect();
    out.push(Segment {
        count: spread.deferred,
        fill: DEFERRED,
        words: format!("{} left until next time", spread.deferred),
    });
    out.push(Segment {
        count: spread.left,
        fill: NOT_JUDGED,
        words: format!("{} not yet judged", spread.left),
    });
    out.retain(|s| s.count > 0);
    out
}

const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 22.0;
/// Room for a three-digit count, so every count fits in its segment.
const LEAST: f64 = 24.0;

/// The bar as inline SVG. Segment widths follow the counts, except that
/// none is narrower than its printed count needs.
pub fn bar(segments: &[Segment], escape: impl Fn(&str) -> String) -> String {
    let words: Vec<&str> = segments.iter().map(|s| s.words.as_str()).collect();
    let mut svg = format!(
        "<svg class=\"bar\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         role=\"img\" aria-label=\"{0}\"><title>{0}</title>",
        escape(&words.join(", "))
    );
    let widths = widths(segments);
    let mut x = 0.0;
    for (s, w) in segments.iter().zip(widths) {
        let f = s.fill;
        let rect = |fill: &str, extra: &str| {
            format!(
                "<rect x=\"{:.1}\" y=\"0.5\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"{extra}/>",
                x + 0.5,
                (w - 1.0).max(1.0),
                HEIGHT - 1.0,
            )
        };
        svg.push_str(&rect(f.colour, outline(f)));
        if f.pattern > 0 {
            svg.push_str(&rect(&format!("url(#hatch-{})", f.pattern), ""));
        }
        // The count, with a halo so it reads over any fill or pattern.
        let (ink, halo) = if dark_fill(f.colour) {
            ("#ffffff", "#000000")
        } else {
            ("#000000", "#ffffff")
        };
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"15.5\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"700\" \
             fill=\"{ink}\" stroke=\"{halo}\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
            x + w / 2.0,
            s.count
        );
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

/// Widths in proportion to the counts, each at least `LEAST`.
fn widths(segments: &[Segment]) -> Vec<f64> {
    let n = segments.len() as f64;
    let total: usize = segments.iter().map(|s| s.count).sum();
    if total == 0 {
        return Vec::new();
    }
    let spare = (WIDTH - LEAST * n).max(0.0);
    segments
        .iter()
        .map(|s| LEAST.min(WIDTH / n) + spare * s.count as f64 / total as f64)
        .collect()
}

/// The outline of a pale fill; "not yet judged" is dashed, so it never
/// looks like a pale level.
fn outline(fill: Fill) -> &'static str {
    if fill == NOT_JUDGED {
        " stroke=\"#6b6b6b\" stroke-width=\"1\" stroke-dasharray=\"3 2\""
    } else if fill.outlined {
        " stroke=\"#6b6b6b\" stroke-width=\"1\""
    } else {
        ""
    }
}

/// A small swatch for a legend, drawn like the bar's segments.
pub fn swatch(fill: Fill) -> String {
    let outline = outline(fill);
    let mut svg = format!(
        "<svg class=\"swatch\" viewBox=\"0 0 18 14\" width=\"18\" height=\"14\" aria-hidden=\"true\">\
         <rect x=\"0.5\" y=\"0.5\" width=\"17\" height=\"13\" fill=\"{}\"{outline}/>",
        fill.colour
    );
    if fill.pattern > 0 {
        let _ = write!(
            svg,
            "<rect x=\"0.5\" y=\"0.5\" width=\"17\" height=\"13\" fill=\"url(#hatch-{})\"/>",
            fill.pattern
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_of_every_scale_has_its_own_colour_and_pattern() {
        for levels in 2..=9usize {
            let fills: Vec<Fill> = (1..=levels as u8).map(|l| level_fill(levels, l)).collect();
            for (i, a) in fills.iter().enumerate() {
                for b in &fills[i + 1..] {
                    assert_ne!(a.colour, b.colour, "{levels} levels");
                    assert_ne!(a.pattern, b.pattern, "{levels} levels");
                }
                assert_ne!(a.pattern, DEFERRED.pattern, "{levels} levels");
            }
        }
    }

    #[test]
    fn every_segment_has_room_for_its_count() {
        let seg = |count| Segment {
            count,
            fill: DEFERRED,
            words: String::new(),
        };
        let segs: Vec<Segment> = [500, 1, 1, 1, 1, 1, 1, 1].into_iter().map(seg).collect();
        let w = widths(&segs);
        assert!(w.iter().all(|w| *w >= LEAST), "{w:?}");
        assert!((w.iter().sum::<f64>() - WIDTH).abs() < 0.01);
    }
}
