//! Draws a [`Scene`] with plotters, to SVG text or a PNG file, using the embedded DejaVu Sans
//! (so text renders on machines without system fonts).

use super::scene::{Anchor, Rgb, Scene, Shape};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform};
use std::path::Path;
use std::sync::Once;

/// DejaVu Sans (Bitstream Vera licence; see assets/fonts/LICENSE-DejaVu.txt).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

fn register_font() {
    REGISTER.call_once(|| {
        // Registration only fails on a malformed font, which the embedded one is not; text
        // would then be missing, not wrong, and the chart tests would catch it.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// The scene as an SVG document.
pub(crate) fn to_svg(scene: &Scene) -> Result<String, String> {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (scene.width, scene.height)).into_drawing_area();
        draw(&root, scene)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Writes the scene as a PNG file.
pub(crate) fn to_png(scene: &Scene, path: &Path) -> Result<(), String> {
    register_font();
    let root = BitMapBackend::new(path, (scene.width, scene.height)).into_drawing_area();
    draw(&root, scene)?;
    root.present().map_err(|e| e.to_string())
}

fn color(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<(), String> {
    for shape in &scene.shapes {
        draw_shape(root, shape).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn draw_shape<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    shape: &Shape,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |v: f64| v.round() as i32;
    match shape {
        Shape::Rect { x, y, w, h, fill, stroke } => {
            let corners = [(px(*x), px(*y)), (px(x + w), px(y + h))];
            if let Some(f) = fill {
                root.draw(&Rectangle::new(corners, color(*f).filled()))?;
            }
            if let Some(s) = stroke {
                root.draw(&Rectangle::new(corners, color(*s).stroke_width(1)))?;
            }
        }
        Shape::Line { points, color: c, width } => {
            let pts: Vec<(i32, i32)> = points.iter().map(|(x, y)| (px(*x), px(*y))).collect();
            root.draw(&PathElement::new(pts, color(*c).stroke_width(*width)))?;
        }
        Shape::Circle { x, y, r, color: c, filled } => {
            let centre = (px(*x), px(*y));
            root.draw(&Circle::new(centre, r.round() as i32, color(*c).filled()))?;
            if !*filled {
                // A ring: the marker's colour with a white core reads cleanly in PNG and SVG.
                root.draw(&Circle::new(centre, (r - 2.0).max(1.0).round() as i32, WHITE.filled()))?;
            }
        }
        Shape::Text { x, y, text, size, color: c, anchor, vertical } => {
            let h = match anchor {
                Anchor::Start => HPos::Left,
                Anchor::Middle => HPos::Center,
                Anchor::End => HPos::Right,
            };
            let mut font = ("sans-serif", *size).into_font().color(&color(*c)).pos(Pos::new(h, VPos::Center));
            if *vertical {
                font = font.transform(FontTransform::Rotate270);
            }
            // Text from the data may hold control characters, which XML (SVG) does not allow.
            let shown = crate::escape::line(text);
            root.draw(&Text::new(shown.as_str(), (px(*x), px(*y)), font))?;
        }
    }
    Ok(())
}
