//! What to draw, in pixels: a backend-free scene that chart builders produce and the renderer
//! draws, so chart geometry can be unit-tested without plotters.

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

/// Black.
pub(crate) const BLACK: Rgb = Rgb(0, 0, 0);
/// White.
pub(crate) const WHITE: Rgb = Rgb(255, 255, 255);
/// Light grey for grid lines.
pub(crate) const GRID: Rgb = Rgb(225, 225, 225);
/// Dark grey for secondary text.
pub(crate) const MUTED: Rgb = Rgb(90, 90, 90);

/// Horizontal text anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Text starts at x.
    Start,
    /// Text is centred on x.
    Middle,
    /// Text ends at x.
    End,
}

/// One drawable element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// An axis-aligned rectangle.
    Rect {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        w: f64,
        /// Height.
        h: f64,
        /// Fill colour (none = transparent).
        fill: Option<Rgb>,
        /// Outline colour (none = no outline).
        stroke: Option<Rgb>,
    },
    /// A polyline.
    Line {
        /// Points in order.
        points: Vec<(f64, f64)>,
        /// Colour.
        color: Rgb,
        /// Stroke width in pixels.
        width: u32,
    },
    /// A circle marker.
    Circle {
        /// Centre x.
        x: f64,
        /// Centre y.
        y: f64,
        /// Radius.
        r: f64,
        /// Colour.
        color: Rgb,
        /// Filled or hollow.
        filled: bool,
    },
    /// A text label; its vertical centre is at y.
    Text {
        /// Anchor x.
        x: f64,
        /// Centre y.
        y: f64,
        /// The text.
        text: String,
        /// Font size in pixels.
        size: f64,
        /// Colour.
        color: Rgb,
        /// Horizontal anchor.
        anchor: Anchor,
        /// Rotated 90° counter-clockwise (for vertical axis titles).
        vertical: bool,
    },
}

/// A whole chart: size, title (for captions and tests) and shapes in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Chart title.
    pub title: String,
    /// Shapes, drawn in order.
    pub shapes: Vec<Shape>,
}

impl Scene {
    /// An empty white scene with a title and subtitle at the top.
    pub(crate) fn new(width: u32, height: u32, title: &str, subtitle: &str) -> Self {
        let mut scene = Self { width, height, title: title.to_string(), shapes: Vec::new() };
        scene.shapes.push(Shape::Rect {
            x: 0.0,
            y: 0.0,
            w: width as f64,
            h: height as f64,
            fill: Some(WHITE),
            stroke: None,
        });
        scene.text(24.0, 26.0, title, 22.0, BLACK, Anchor::Start);
        scene.text(24.0, 52.0, subtitle, 14.0, MUTED, Anchor::Start);
        scene
    }

    /// Adds a horizontal text label.
    pub(crate) fn text(&mut self, x: f64, y: f64, text: &str, size: f64, color: Rgb, anchor: Anchor) {
        self.shapes.push(Shape::Text { x, y, text: text.to_string(), size, color, anchor, vertical: false });
    }

    /// Adds a straight line.
    pub(crate) fn line(&mut self, from: (f64, f64), to: (f64, f64), color: Rgb, width: u32) {
        self.shapes.push(Shape::Line { points: vec![from, to], color, width });
    }
}

/// Estimated width of a label in DejaVu Sans (average advance ≈ 0.6 em, an upper bound for
/// lower-case text), used to keep labels from overlapping.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// Shortens a label to fit `max_width` pixels, ending it with "…" when cut.
pub(crate) fn fit(text: &str, size: f64, max_width: f64) -> String {
    if text_width(text, size) <= max_width {
        return text.to_string();
    }
    let keep = ((max_width / (size * 0.6)).floor() as usize).saturating_sub(1).max(1);
    format!("{}…", text.chars().take(keep).collect::<String>())
}

/// Okabe & Ito (2008) colour-blind-safe palette, without black (reserved for the baseline).
pub(crate) const PALETTE: [Rgb; 7] = [
    Rgb(230, 159, 0),
    Rgb(86, 180, 233),
    Rgb(0, 158, 115),
    Rgb(0, 114, 178),
    Rgb(213, 94, 0),
    Rgb(204, 121, 167),
    Rgb(240, 228, 66),
];

/// The colour of the i-th model.
pub(crate) fn model_color(i: usize) -> Rgb {
    PALETTE[i % PALETTE.len()]
}

/// "Nice" axis ticks covering [lo, hi] (1, 2 or 5 × 10^k steps, about `target` of them).
pub(crate) fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let span = (hi - lo).abs().max(1e-9);
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= target as f64)
        .unwrap_or(10.0 * mag);
    let start = (lo / step).floor() as i64;
    let end = (hi / step).ceil() as i64;
    (start..=end).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_truncates_long_labels_only() {
        assert_eq!(fit("short", 12.0, 200.0), "short");
        let cut = fit("a_very_long_model_name_that_will_not_fit", 12.0, 100.0);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 100.0 + 12.0 * 0.6, "{cut}");
    }

    #[test]
    fn ticks_cover_the_range_with_round_steps() {
        let t = ticks(-12.0, 47.0, 6);
        assert!(t.first().unwrap() <= &-12.0 && t.last().unwrap() >= &47.0);
        assert_eq!(t[1] - t[0], 10.0);
        assert_eq!(ticks(0.0, 1.0, 5)[1], 0.2);
    }
}
