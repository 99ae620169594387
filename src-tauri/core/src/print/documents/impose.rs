//! Saddle-stitch imposition: A5 pages two to a side of A4 landscape sheets,
//! for double-sided printing flipped on the short edge. Folding the printed
//! stack in the middle gives the pages in order.

use super::super::{Op, Page};

/// The page count padded to a multiple of 4 (one sheet = 4 pages).
pub fn padded(pages: usize) -> usize {
    pages.div_ceil(4).max(1) * 4
}

/// Page numbers (1-based) on each sheet side, left then right, for `pages`
/// pages already padded: sheet 1 front = [n, 1], back = [2, n−1], sheet 2
/// front = [n−2, 3], back = [4, n−3], …
pub fn sides(pages: usize) -> Vec<[usize; 2]> {
    let n = padded(pages);
    let mut out = Vec::with_capacity(n / 2);
    for sheet in 0..n / 4 {
        let low = 2 * sheet + 1;
        let high = n - 2 * sheet;
        out.push([high, low]);
        out.push([low + 1, high - 1]);
    }
    out
}

/// Puts the (padded) A5 pages on A4 landscape sides in booklet order.
pub fn impose(pages: &[Page]) -> Vec<Page> {
    let (a4_w, a4_h) = (297.0, 210.0);
    sides(pages.len())
        .into_iter()
        .map(|[left, right]| {
            let mut side = Page {
                width: a4_w,
                height: a4_h,
                ops: Vec::new(),
            };
            for (number, slot) in [(left, 0), (right, 1)] {
                let Some(page) = pages.get(number - 1) else {
                    continue;
                };
                // Centre each A5 page in its half of the sheet.
                let dx = slot as f32 * a4_w / 2.0 + (a4_w / 2.0 - page.width) / 2.0;
                let dy = (a4_h - page.height) / 2.0;
                side.ops
                    .extend(page.ops.iter().map(|op| shifted(op, dx, dy)));
            }
            side
        })
        .collect()
}

fn shifted(op: &Op, dx: f32, dy: f32) -> Op {
    let mut op = op.clone();
    match &mut op {
        Op::Text { x, y, .. } | Op::Rect { x, y, .. } | Op::Image { x, y, .. } => {
            *x += dx;
            *y += dy;
        }
        Op::Line { x1, y1, x2, y2, .. } => {
            *x1 += dx;
            *x2 += dx;
            *y1 += dy;
            *y2 += dy;
        }
    }
    op
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_pages_fold_into_order() {
        assert_eq!(sides(8), vec![[8, 1], [2, 7], [6, 3], [4, 5]]);
    }

    #[test]
    fn page_counts_are_padded_to_a_multiple_of_four() {
        assert_eq!(padded(1), 4);
        assert_eq!(padded(4), 4);
        assert_eq!(padded(9), 12);
        assert_eq!(sides(10), sides(12));
    }

    #[test]
    fn every_page_appears_once_and_facing_pages_add_up() {
        for n in [4, 8, 12, 16, 20, 40] {
            let s = sides(n);
            let mut all: Vec<usize> = s.iter().flatten().copied().collect();
            all.sort();
            assert_eq!(all, (1..=n).collect::<Vec<_>>());
            // On a saddle-stitched sheet the two pages of a side sum to n+1.
            assert!(s.iter().all(|[l, r]| l + r == n + 1));
        }
    }
}
