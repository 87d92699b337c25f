//! Fits a row into the columns it has: the parts that may shrink are cut
//! short with an ellipsis, longest first, so what matters most (an owner,
//! a due date, a statement number) is never what falls off the edge.

use crate::text::wrap::{shorten, width as columns};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// One part of a row.
pub struct Part {
    text: String,
    style: Style,
    /// The fewest columns it may shrink to; `None`: kept whole.
    least: Option<usize>,
}

impl Part {
    /// Kept whole.
    pub fn whole(text: impl Into<String>, style: Style) -> Part {
        Part {
            text: text.into(),
            style,
            least: None,
        }
    }

    /// Cut short with an ellipsis when the row needs room, to no fewer
    /// than `least` columns (with 0, left out if need be).
    pub fn shrinks(text: impl Into<String>, style: Style, least: usize) -> Part {
        Part {
            text: text.into(),
            style,
            least: Some(least),
        }
    }
}

/// The parts as a line of at most `width` columns where it can be done:
/// shrinking parts give up columns, the longest first, down to their
/// least. If that is not enough the line is cut at the end, with an
/// ellipsis.
pub fn fit(parts: Vec<Part>, width: usize) -> Line<'static> {
    let widths: Vec<usize> = parts.iter().map(|p| columns(&p.text)).collect();
    let total: usize = widths.iter().sum();
    let mut room = widths.clone();
    let mut excess = total.saturating_sub(width);
    while excess > 0 {
        // The shrinking part with the most columns above its least.
        let Some((i, spare)) = parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.least.map(|least| (i, room[i].saturating_sub(least))))
            .filter(|&(_, spare)| spare > 0)
            .max_by_key(|&(i, spare)| (spare, usize::MAX - i))
        else {
            break;
        };
        // Take from it down to the next longest, one column at a time
        // once they are level.
        let next = parts
            .iter()
            .enumerate()
            .filter(|&(j, p)| j != i && p.least.is_some())
            .map(|(j, p)| room[j].saturating_sub(p.least.unwrap_or(0)))
            .filter(|&s| s <= spare)
            .max()
            .unwrap_or(0);
        let take = (spare - next).clamp(1, excess);
        room[i] -= take;
        excess -= take;
    }
    let mut spans: Vec<Span<'static>> = parts
        .into_iter()
        .zip(room.iter().zip(&widths))
        .map(|(p, (&room, &width))| {
            let text = if room == 0 {
                String::new()
            } else if room < width {
                shorten(&p.text, room)
            } else {
                p.text
            };
            Span::styled(text, p.style)
        })
        .collect();
    if excess > 0 {
        // Still too wide: cut at the end.
        let mut left = width;
        for span in spans.iter_mut() {
            let w = columns(&span.content);
            if w <= left {
                left -= w;
            } else {
                span.content = shorten(&span.content, left).into();
                left = 0;
            }
        }
        spans.retain(|s| !s.content.is_empty());
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_row_that_fits_is_left_alone() {
        let line = fit(
            vec![
                Part::whole("ab ", Style::new()),
                Part::shrinks("cdef", Style::new(), 2),
            ],
            10,
        );
        assert_eq!(text(&line), "ab cdef");
    }

    #[test]
    fn the_longest_shrinking_part_gives_way_first_and_whole_parts_stay() {
        let line = fit(
            vec![
                Part::shrinks("Curriculum intent and sequencing", Style::new(), 8),
                Part::shrinks(" · English", Style::new(), 5),
                Part::whole("  D. Okafor  2026-12-21", Style::new()),
            ],
            50,
        );
        let t = text(&line);
        assert_eq!(columns(&t), 50, "{t}");
        assert!(t.ends_with(" · English  D. Okafor  2026-12-21"), "{t}");
        assert!(t.starts_with("Curriculum in"), "{t}");
        assert!(t.contains('…'), "{t}");
    }

    #[test]
    fn parts_share_the_cut_once_they_are_as_long_as_each_other() {
        let line = fit(
            vec![
                Part::shrinks("aaaaaaaaaaaaaaaaaaaa", Style::new(), 3),
                Part::shrinks("bbbbbbbbbbbbbbbbbbbb", Style::new(), 3),
            ],
            20,
        );
        assert_eq!(text(&line), "aaaaaaaaa…bbbbbbbbb…");
    }

    #[test]
    fn when_shrinking_is_not_enough_the_end_is_cut() {
        let line = fit(
            vec![
                Part::shrinks("abcdefgh", Style::new(), 4),
                Part::whole(" 2026-12-21", Style::new()),
            ],
            10,
        );
        let t = text(&line);
        assert_eq!(t, "abc… 2026…");
        assert!(columns(&t) <= 10);
        // Wide characters are counted by their columns.
        let line = fit(vec![Part::shrinks("中文中文中文", Style::new(), 2)], 7);
        assert!(columns(&text(&line)) <= 7, "{}", text(&line));
    }
}
