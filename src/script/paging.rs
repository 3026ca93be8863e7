//! Page lengths in eighths. A page is eight eighths shared among the scenes on it by the lines
//! each takes. Where the script breaks its own pages those breaks are used (a page the writer
//! ended early still counts as one page, as it does in the page count); otherwise a page is the
//! standard 55 lines of Courier 12, with action 61 characters wide and dialogue 35.

/// Lines on a standard screenplay page.
pub const LINES_PER_PAGE: u32 = 55;
/// Characters on a line of action and of dialogue.
pub const ACTION_WIDTH: usize = 61;
pub const DIALOGUE_WIDTH: usize = 35;

/// What a script lays out, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    /// Printed lines belonging to a scene (or to none, before the first heading).
    Lines { scene: Option<usize>, count: u32 },
    /// The script starts a new page here.
    PageBreak,
}

/// How many printed lines a paragraph takes at this width, at least one.
pub fn lines_for(text: &str, width: usize) -> u32 {
    let chars = text.chars().count();
    chars.div_ceil(width).max(1) as u32
}

/// Each scene's length in eighths, at least one.
pub fn eighths(rows: &[Row], scenes: usize) -> Vec<u32> {
    let mut total = vec![0f64; scenes];
    let mut page: Vec<(Option<usize>, u32)> = Vec::new();
    let mut used = 0u32;
    let close = |page: &mut Vec<(Option<usize>, u32)>, total: &mut Vec<f64>, per_page: u32| {
        for (scene, count) in page.drain(..) {
            if let Some(scene) = scene {
                total[scene] += 8.0 * f64::from(count) / f64::from(per_page);
            }
        }
    };
    for row in rows {
        match *row {
            Row::PageBreak => {
                if used > 0 {
                    close(&mut page, &mut total, used);
                    used = 0;
                }
            }
            Row::Lines { scene, mut count } => {
                while count > 0 {
                    let here = count.min(LINES_PER_PAGE - used);
                    page.push((scene, here));
                    used += here;
                    count -= here;
                    if used == LINES_PER_PAGE {
                        close(&mut page, &mut total, LINES_PER_PAGE);
                        used = 0;
                    }
                }
            }
        }
    }
    // The last page is as long as it is full.
    close(&mut page, &mut total, LINES_PER_PAGE);
    total
        .into_iter()
        .map(|e| (e.round() as u32).max(1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(scene: usize, count: u32) -> Row {
        Row::Lines {
            scene: Some(scene),
            count,
        }
    }

    #[test]
    fn a_full_standard_page_is_eight_eighths() {
        assert_eq!(eighths(&[lines(0, 55)], 1), [8]);
        assert_eq!(eighths(&[lines(0, 110), lines(1, 55)], 2), [16, 8]);
        // Half a page of lines, with nothing after it, is half a page.
        assert_eq!(eighths(&[lines(0, 27)], 1), [4]);
    }

    #[test]
    fn the_scripts_own_page_breaks_decide_where_pages_end() {
        // Two scenes share a page the writer ended after 20 lines: the page is theirs.
        let rows = [lines(0, 15), lines(1, 5), Row::PageBreak, lines(1, 55)];
        assert_eq!(eighths(&rows, 2), [6, 10]);
    }

    #[test]
    fn a_scene_is_never_shorter_than_an_eighth() {
        assert_eq!(eighths(&[lines(0, 1), lines(1, 54)], 2), [1, 8]);
        assert_eq!(lines_for("", ACTION_WIDTH), 1);
        assert_eq!(lines_for(&"x".repeat(62), ACTION_WIDTH), 2);
    }
}
