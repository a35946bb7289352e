//! Rust `Debug` output to JSON, so that the manifest records every field of the settings structs
//! of the other crates (which derive `Debug` but not `Serialize`) without mirroring each one by
//! hand, and keeps recording new fields when those crates grow.
//!
//! `Name { a: 1, b: Some(2.5) }` becomes `{"_type": "Name", "a": 1, "b": 2.5}`; `None` becomes
//! `null`, `Some(x)` becomes `x`, `Variant(x)` becomes `{"Variant": x}`, a unit variant its name
//! as a string, lists and tuples arrays. Floats keep Rust's shortest round-trip digits; values
//! JSON cannot hold (NaN, inf, durations such as `1.5s`) become strings.

use serde_json::{Map, Number, Value};

/// Converts the `{:?}` output of a value to JSON (a string value when it cannot be parsed).
pub fn debug_to_json(value: &impl std::fmt::Debug) -> Value {
    let text = format!("{value:?}");
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    match p.value() {
        Some(v) if p.at_end() => v,
        _ => Value::String(text),
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.i == self.s.len()
    }
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }
    fn word(&mut self) -> Option<String> {
        self.skip_ws();
        let start = self.i;
        while self.i < self.s.len() && !b"{}[](),:\" \n\t".contains(&self.s[self.i]) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' if self.i + 1 < self.s.len() => {
                    out.push(match self.s[self.i + 1] {
                        b'n' => b'\n',
                        b't' => b'\t',
                        c => c,
                    });
                    self.i += 2;
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        None
    }
    /// Comma-separated values up to `close`.
    fn items(&mut self, close: u8) -> Option<Vec<Value>> {
        let mut out = Vec::new();
        loop {
            if self.eat(close).is_some() {
                return Some(out);
            }
            out.push(self.value()?);
            if self.eat(b',').is_none() {
                self.eat(close)?;
                return Some(out);
            }
        }
    }
    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'"' => return self.string().map(Value::String),
            b'[' => {
                self.i += 1;
                return self.items(b']').map(Value::Array);
            }
            b'(' => {
                self.i += 1;
                return self.items(b')').map(Value::Array);
            }
            _ => {}
        }
        let w = self.word()?;
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut map = Map::new();
                map.insert("_type".into(), Value::String(w));
                loop {
                    if self.eat(b'}').is_some() {
                        return Some(Value::Object(map));
                    }
                    let key = self.word()?;
                    self.eat(b':')?;
                    let v = self.value()?;
                    map.insert(key, v);
                    if self.eat(b',').is_none() {
                        self.eat(b'}')?;
                        return Some(Value::Object(map));
                    }
                }
            }
            Some(b'(') => {
                self.i += 1;
                let mut items = self.items(b')')?;
                if w == "Some" && items.len() == 1 {
                    return items.pop();
                }
                let inner = if items.len() == 1 {
                    items.pop()?
                } else {
                    Value::Array(items)
                };
                let mut map = Map::new();
                map.insert(w, inner);
                Some(Value::Object(map))
            }
            _ => Some(scalar(w)),
        }
    }
}

fn scalar(w: String) -> Value {
    match w.as_str() {
        "None" => return Value::Null,
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = w.parse::<i64>() {
        return Value::Number(i.into());
    }
    if let Ok(u) = w.parse::<u64>() {
        return Value::Number(u.into());
    }
    if w.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
        if let Some(n) = w.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[allow(dead_code)]
    #[derive(Debug)]
    enum Stop {
        Steps(usize),
        Saturation { no_new_for: usize, max_steps: usize },
        Never,
    }

    #[allow(dead_code)]
    #[derive(Debug)]
    struct Inner {
        tol: f64,
        stop: Stop,
        other: Stop,
        never: Stop,
    }

    #[allow(dead_code)]
    #[derive(Debug)]
    struct Outer {
        seed: u64,
        time: Option<Duration>,
        none: Option<f64>,
        inner: Inner,
        list: Vec<Vec<f64>>,
        name: String,
        flag: bool,
        pair: (i32, f64),
    }

    #[test]
    fn nested_settings_become_json() {
        let v = debug_to_json(&Outer {
            seed: 42,
            time: Some(Duration::from_millis(1500)),
            none: None,
            inner: Inner {
                tol: 1e-7,
                stop: Stop::Saturation {
                    no_new_for: 400,
                    max_steps: 2000,
                },
                other: Stop::Steps(3),
                never: Stop::Never,
            },
            list: vec![vec![0.1, -2.0], vec![]],
            name: "a \"b\"".into(),
            flag: true,
            pair: (-1, 0.5),
        });
        assert_eq!(
            v,
            serde_json::json!({
                "_type": "Outer",
                "seed": 42,
                "time": "1.5s",
                "none": null,
                "inner": {
                    "_type": "Inner",
                    "tol": 1e-7,
                    "stop": {"_type": "Saturation", "no_new_for": 400, "max_steps": 2000},
                    "other": {"Steps": 3},
                    "never": "Never",
                },
                "list": [[0.1, -2.0], []],
                "name": "a \"b\"",
                "flag": true,
                "pair": [-1, 0.5],
            })
        );
    }
}
