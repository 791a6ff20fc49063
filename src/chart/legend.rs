//! Axis and legend helpers shared by the chart builders.

use super::scene::{fit, text_width, Anchor, Rgb, Scene, Shape, BLACK, GRID, MUTED};

/// Height of one legend row.
pub(crate) const LEGEND_ROW: f64 = 24.0;

/// One legend entry: a swatch (hatched for the baseline) and the full name.
pub(crate) struct Entry {
    /// Full series name (never truncated in the legend).
    pub name: String,
    /// Swatch colour; `None` draws the hatched baseline swatch.
    pub color: Option<Rgb>,
}

/// Rows the legend needs at `width` pixels.
pub(crate) fn legend_rows(entries: &[Entry], width: f64) -> usize {
    layout(entries, width).last().map(|(_, row, _)| row + 1).unwrap_or(0)
}

fn layout(entries: &[Entry], width: f64) -> Vec<(f64, usize, &Entry)> {
    let (mut x, mut row, mut out) = (0.0, 0usize, Vec::new());
    for e in entries {
        let w = 22.0 + text_width(&e.name, 13.0).min(width - 40.0) + 24.0;
        if x > 0.0 && x + w > width {
            x = 0.0;
            row += 1;
        }
        out.push((x, row, e));
        x += w;
    }
    out
}

/// Draws the legend with its top-left corner at (left, top) within `width` pixels.
pub(crate) fn draw_legend(scene: &mut Scene, entries: &[Entry], left: f64, top: f64, width: f64) {
    for (x, row, e) in layout(entries, width) {
        let (sx, sy) = (left + x, top + row as f64 * LEGEND_ROW);
        swatch(scene, sx, sy + 2.0, 14.0, 14.0, e.color);
        let name = fit(&e.name, 13.0, width - 40.0);
        scene.text(sx + 20.0, sy + 9.0, &name, 13.0, BLACK, Anchor::Start);
    }
}

/// A filled bar, or the hatched, outlined baseline bar when `color` is `None`.
pub(crate) fn swatch(scene: &mut Scene, x: f64, y: f64, w: f64, h: f64, color: Option<Rgb>) {
    match color {
        Some(c) => scene.shapes.push(Shape::Rect { x, y, w, h, fill: Some(c), stroke: None }),
        None => {
            scene.shapes.push(Shape::Rect { x, y, w, h, fill: Some(super::scene::WHITE), stroke: None });
            scene.shapes.extend(hatch(x, y, w, h));
            scene.shapes.push(Shape::Rect { x, y, w, h, fill: None, stroke: Some(BLACK) });
        }
    }
}

/// Diagonal hatch lines clipped to a rectangle, 6 px apart.
pub(crate) fn hatch(x: f64, y: f64, w: f64, h: f64) -> Vec<Shape> {
    let mut out = Vec::new();
    let mut k = 6.0;
    while k < w + h {
        // The line x' + y' = k (in rectangle coordinates), clipped.
        let (x0, y0) = (k.min(w), k - k.min(w));
        let (x1, y1) = (k - k.min(h), k.min(h));
        if y0 <= h && x1 <= w {
            out.push(Shape::Line {
                points: vec![(x + x0, y + y0), (x + x1, y + y1)],
                color: MUTED,
                width: 1,
            });
        }
        k += 6.0;
    }
    out
}

/// Horizontal grid lines and tick labels of a vertical value axis.
pub(crate) fn y_axis(
    scene: &mut Scene,
    plot: (f64, f64, f64, f64),
    ticks: &[f64],
    to_y: &dyn Fn(f64) -> f64,
    unit: &str,
) {
    let (left, _, right, _) = plot;
    for &t in ticks {
        let y = to_y(t);
        scene.line((left, y), (right, y), GRID, 1);
        scene.text(left - 8.0, y, &format!("{t:.0}{unit}"), 12.0, MUTED, Anchor::End);
    }
}

/// Vertical grid lines and tick labels of a horizontal value axis, labels below `bottom`
/// (with a sign when `signed`, for differences).
pub(crate) fn x_axis(
    scene: &mut Scene,
    plot: (f64, f64, f64, f64),
    ticks: &[f64],
    to_x: &dyn Fn(f64) -> f64,
    signed: bool,
) {
    let (_, top, _, bottom) = plot;
    for &t in ticks {
        let x = to_x(t);
        scene.line((x, top), (x, bottom), GRID, 1);
        let label = if signed && t != 0.0 { format!("{t:+.0}") } else { format!("{t:.0}") };
        scene.text(x, bottom + 14.0, &label, 12.0, MUTED, Anchor::Middle);
    }
}

/// A linear mapping from values to x pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    lo: f64,
    hi: f64,
    left: f64,
    right: f64,
}

impl Scale {
    /// The x pixel of a value.
    pub(crate) fn x(&self, v: f64) -> f64 {
        self.left + (v - self.lo) / (self.hi - self.lo) * (self.right - self.left)
    }
}

/// A horizontal axis for signed differences over [lo, hi] widened to round ticks: grid, signed
/// tick labels and a bold zero line across `panel`; returns the value-to-pixel scale.
pub(crate) fn difference_axis(
    scene: &mut Scene,
    panel: (f64, f64, f64, f64),
    lo: f64,
    hi: f64,
    n_ticks: usize,
) -> Scale {
    let tick_values = super::scene::ticks(lo, hi, n_ticks);
    let lo = lo.min(tick_values[0]);
    let hi = hi.max(*tick_values.last().unwrap_or(&hi));
    let scale = Scale { lo, hi, left: panel.0, right: panel.2 };
    x_axis(scene, panel, &tick_values, &|v| scale.x(v), true);
    scene.line((scale.x(0.0), panel.1), (scale.x(0.0), panel.3), BLACK, 2);
    scale
}
