//! One SVG writer for every figure of nnscape: the document and its elements with escaped text
//! and attribute values ([`Document`], [`Element`]), number formatting ([`fixed`],
//! [`trimmed`]), the axis and tick algorithm shared by all figures ([`axis`]) and the line plots
//! of the study ([`plot`]). The disconnectivity graph ([`crate::dgraph`]) is drawn with it too.
//!
//! Output is deterministic: the same calls give the same bytes. Every number is written with
//! the format its caller chooses (`fixed(x, 2)` for pixel coordinates, plain `{}` for layout
//! constants), so a figure's bytes do not change when its code moves onto this module.
//!
//! ```
//! use nnscape_analysis::svg::{fixed, Document};
//!
//! let mut doc = Document::new(100.0, 50.0);
//! doc.element("line")
//!     .attr("class", "tick")
//!     .coords(0, fixed(10.0 / 3.0, 2), 100, fixed(10.0 / 3.0, 2))
//!     .attr("stroke", "black")
//!     .end();
//! doc.element("text").attr("data-name", r#"a "b" & <c>"#).text("x < y");
//! let svg = doc.finish();
//! assert!(svg.contains(r#"y1="3.33""#));
//! assert!(svg.contains(r#"data-name="a &quot;b&quot; &amp; &lt;c&gt;">x &lt; y</text>"#));
//! ```

use std::fmt::{self, Display, Write as _};

pub mod axis;
pub mod plot;

/// Escapes text content: `&`, `<` and `>` (quotes need no escaping between tags).
pub fn escape_text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value: `&`, `<`, `>`, and both quotes `"` and `'`, so a value can
/// never end its attribute whichever quote delimits it.
pub fn escape_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with a fixed number of decimals (`{:.N}`), e.g. pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed {
    pub value: f64,
    pub decimals: usize,
}

impl Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.*}", self.decimals, self.value)
    }
}

/// `value` with `decimals` decimals.
pub fn fixed(value: f64, decimals: usize) -> Fixed {
    Fixed { value, decimals }
}

/// A value for reading, not for round trips: at most six decimals, trailing zeros dropped, and
/// `-0` written as `0`.
///
/// ```
/// use nnscape_analysis::svg::trimmed;
/// assert_eq!(trimmed(0.6931471805599453), "0.693147");
/// assert_eq!(trimmed(1.50), "1.5");
/// assert_eq!(trimmed(-0.0000001), "0");
/// ```
pub fn trimmed(value: f64) -> String {
    let s = format!("{value:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Polyline points `x,y x,y ...`, each coordinate with `decimals` decimals.
pub fn points(pts: impl IntoIterator<Item = (f64, f64)>, decimals: usize) -> String {
    pts.into_iter()
        .map(|(x, y)| format!("{},{}", fixed(x, decimals), fixed(y, decimals)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An SVG document being written: the `<svg>` root (sans-serif, 12 px), then
/// elements in the order they are added, one per line.
#[derive(Debug, Clone)]
pub struct Document {
    buf: String,
}

impl Document {
    /// Opens the root element of a `width` x `height` drawing (user units = pixels).
    pub fn new(width: f64, height: f64) -> Self {
        let mut buf = String::new();
        let _ = writeln!(
            buf,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
        );
        Self { buf }
    }

    /// Starts an element `<name`; add attributes, then finish it with [`Element::end`],
    /// [`Element::text`] or [`Element::open`].
    pub fn element<'a>(&'a mut self, name: &'a str) -> Element<'a> {
        self.buf.push('<');
        self.buf.push_str(name);
        Element {
            buf: &mut self.buf,
            name,
            newline: true,
        }
    }

    /// Closes a container opened with [`Element::open`]: `</name>` and a line break.
    pub fn close(&mut self, name: &str) {
        let _ = writeln!(self.buf, "</{name}>");
    }

    /// Closes the root and returns the document.
    pub fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }
}

/// One element being written (see [`Document::element`]).
#[must_use = "an element is only complete after end(), text() or open()"]
pub struct Element<'a> {
    buf: &'a mut String,
    name: &'a str,
    newline: bool,
}

impl Element<'_> {
    /// Adds `name="value"`, the value escaped ([`escape_attr`]).
    pub fn attr(self, name: &str, value: impl Display) -> Self {
        let value = escape_attr(&value.to_string());
        let _ = write!(self.buf, r#" {name}="{value}""#);
        self
    }

    /// Adds the end points of a line, `x1`, `y1`, `x2`, `y2`, each in its own format.
    pub fn coords(
        self,
        x1: impl Display,
        y1: impl Display,
        x2: impl Display,
        y2: impl Display,
    ) -> Self {
        self.attr("x1", x1)
            .attr("y1", y1)
            .attr("x2", x2)
            .attr("y2", y2)
    }

    /// Keeps the next element on the same line (for elements that belong together, such as a
    /// tick mark and its label).
    pub fn inline(mut self) -> Self {
        self.newline = false;
        self
    }

    fn finish(self, tail: &str) {
        self.buf.push_str(tail);
        if self.newline {
            self.buf.push('\n');
        }
    }

    /// Ends an empty element: `/>`.
    pub fn end(self) {
        self.finish("/>");
    }

    /// Ends the element with escaped text content ([`escape_text`]) and its closing tag.
    pub fn text(self, content: &str) {
        let tail = format!(">{}</{}>", escape_text(content), self.name);
        self.finish(&tail);
    }

    /// Ends the start tag of a container (`>`); close it with [`Document::close`].
    pub fn open(self) {
        self.finish(">");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_escape_quotes_and_markup() {
        assert_eq!(
            escape_attr(r#"say "a" & 'b' <c>"#),
            "say &quot;a&quot; &amp; &apos;b&apos; &lt;c&gt;"
        );
        assert_eq!(escape_text(r#""a" & <b>"#), r#""a" &amp; &lt;b&gt;"#);
        let mut doc = Document::new(10.0, 10.0);
        doc.element("g")
            .attr("data-name", r#"x" onload="alert(1)"#)
            .open();
        doc.close("g");
        let svg = doc.finish();
        assert!(svg.contains(r#"<g data-name="x&quot; onload=&quot;alert(1)">"#));
    }

    #[test]
    fn inline_elements_share_a_line() {
        let mut doc = Document::new(1.0, 1.0);
        doc.element("line").coords(0, 1, 2, 3).inline().end();
        doc.element("text").attr("x", fixed(1.0, 2)).text("1");
        let svg = doc.finish();
        let lines: Vec<&str> = svg.lines().collect();
        assert_eq!(
            lines[1],
            r#"<line x1="0" y1="1" x2="2" y2="3"/><text x="1.00">1</text>"#
        );
        assert_eq!(lines[2], "</svg>");
    }
}
