//! [`Finite`]: serialises a value as it is, except that non-finite floats become the strings
//! `"inf"`, `"-inf"` and `"NaN"`.
//!
//! JSON has no infinity, and serde_json writes a non-finite float as `null`, the same as
//! `None`: the manifest would silently lose a setting such as `max_energy_rise = inf`. Every
//! other value goes through unchanged, and any serialisation error is passed on.

use serde::ser::{
    Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

/// A value to serialise with non-finite floats written as strings.
pub struct Finite<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> Serialize for Finite<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(Wrap(s))
    }
}

fn float<S: Serializer>(s: S, x: f64) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_f64(x)
    } else {
        // Rust's own spelling: "inf", "-inf", "NaN".
        s.collect_str(&x)
    }
}

/// The serializer (or compound serializer) `S` with every nested value wrapped in [`Finite`].
struct Wrap<S>(S);

/// Serializer methods that take a plain value and pass it on unchanged.
macro_rules! pass {
    ($($m:ident($t:ty)),* $(,)?) => {
        $(fn $m(self, v: $t) -> Result<S::Ok, S::Error> {
            self.0.$m(v)
        })*
    };
}

impl<S: Serializer> Serializer for Wrap<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Wrap<S::SerializeSeq>;
    type SerializeTuple = Wrap<S::SerializeTuple>;
    type SerializeTupleStruct = Wrap<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Wrap<S::SerializeTupleVariant>;
    type SerializeMap = Wrap<S::SerializeMap>;
    type SerializeStruct = Wrap<S::SerializeStruct>;
    type SerializeStructVariant = Wrap<S::SerializeStructVariant>;

    pass!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        float(self.0, v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        float(self.0, v)
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&Finite(v))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_struct(name, &Finite(v))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0
            .serialize_newtype_variant(name, index, variant, &Finite(v))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.0.serialize_seq(len).map(Wrap)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.0.serialize_tuple(len).map(Wrap)
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.0.serialize_tuple_struct(name, len).map(Wrap)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.0
            .serialize_tuple_variant(name, index, variant, len)
            .map(Wrap)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.0.serialize_map(len).map(Wrap)
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_struct(name, len).map(Wrap)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.0
            .serialize_struct_variant(name, index, variant, len)
            .map(Wrap)
    }
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Compound serializers: each element, key and field is wrapped; `end` passes on.
macro_rules! compound {
    ($($tr:ident { $($m:ident($($key:ident: $kt:ty),*)),* }),* $(,)?) => {
        $(impl<C: $tr> $tr for Wrap<C> {
            type Ok = C::Ok;
            type Error = C::Error;
            $(fn $m<T: Serialize + ?Sized>(&mut self, $($key: $kt,)* v: &T) -> Result<(), C::Error> {
                self.0.$m($($key,)* &Finite(v))
            })*
            fn end(self) -> Result<C::Ok, C::Error> {
                self.0.end()
            }
        })*
    };
}

compound!(
    SerializeSeq { serialize_element() },
    SerializeTuple { serialize_element() },
    SerializeTupleStruct { serialize_field() },
    SerializeTupleVariant { serialize_field() },
    SerializeStruct { serialize_field(key: &'static str) },
    SerializeStructVariant { serialize_field(key: &'static str) },
);

// Maps have keys as well as values, so they do not fit the macro.
impl<C: SerializeMap> SerializeMap for Wrap<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), C::Error> {
        self.0.serialize_key(&Finite(k))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.0.serialize_value(&Finite(v))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize)]
    enum Stop {
        Never,
        After(f64),
        Window { lo: f32, hi: f64 },
    }

    #[derive(serde::Serialize)]
    struct Settings {
        rise: f64,
        drop: Option<f64>,
        none: Option<f64>,
        steps: Vec<f64>,
        pair: (f64, u8),
        stops: Vec<Stop>,
    }

    #[test]
    fn non_finite_floats_become_strings_and_the_rest_is_unchanged() {
        let s = Settings {
            rise: f64::INFINITY,
            drop: Some(f64::NEG_INFINITY),
            none: None,
            steps: vec![0.5, f64::NAN],
            pair: (1e-7, 3),
            stops: vec![
                Stop::Never,
                Stop::After(f64::INFINITY),
                Stop::Window {
                    lo: f32::NEG_INFINITY,
                    hi: 2.0,
                },
            ],
        };
        assert_eq!(
            serde_json::to_value(Finite(&s)).unwrap(),
            json!({
                "rise": "inf",
                "drop": "-inf",
                "none": null,
                "steps": [0.5, "NaN"],
                "pair": [1e-7, 3],
                "stops": ["Never", {"After": "inf"}, {"Window": {"lo": "-inf", "hi": 2.0}}],
            })
        );
        // Without the wrapper serde_json would have written null for each of them.
        assert_eq!(serde_json::to_value(&s).unwrap()["rise"], json!(null));
    }

    #[test]
    fn errors_pass_through() {
        // JSON object keys must be strings: serde_json refuses a map with tuple keys.
        let m: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert!(serde_json::to_value(Finite(&m)).is_err());
    }
}
