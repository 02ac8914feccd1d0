//! JSON encoding of Python values, byte-identical to FastAPI's `JSONResponse`.
//!
//! FastAPI renders a handler's return value in two steps: `jsonable_encoder(value)`
//! turns it into plain data, then `json.dumps(data, ensure_ascii=False,
//! allow_nan=False, separators=(",", ":"))` writes it. This module does both in
//! Rust for the types that dominate real responses (`dict`, `list`, `tuple`,
//! `str`, `int`, `float`, `bool`, `None`) and hands every other object to the
//! Python port of `jsonable_encoder` shipped in the `turboapi` package, then
//! writes what it returns. So exotic values cost a Python call but still come
//! out exactly as FastAPI writes them.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::python::calls;

/// Which of FastAPI's two encoding paths to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `jsonable_encoder` then `json.dumps`: handler return values.
    Jsonable,
    /// `json.dumps` alone: the `detail` of an `HTTPException`, which FastAPI
    /// does not pass through `jsonable_encoder`.
    DumpsOnly,
}

/// Deeper nesting than this is treated like Python's `RecursionError`.
const MAX_DEPTH: usize = 512;

/// Encodes `value` as FastAPI would; an `Err` is what FastAPI would raise
/// (and therefore answer with a 500).
pub fn encode(value: &Bound<'_, PyAny>, mode: Mode) -> PyResult<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    Encoder { mode }.value(value, &mut out, 0)?;
    Ok(out)
}

struct Encoder {
    mode: Mode,
}

impl Encoder {
    fn value(&self, obj: &Bound<'_, PyAny>, out: &mut Vec<u8>, depth: usize) -> PyResult<()> {
        if depth > MAX_DEPTH {
            return Err(pyo3::exceptions::PyRecursionError::new_err(
                "maximum recursion depth exceeded while encoding a JSON object",
            ));
        }
        // Exact types first: they are the common case and need no Python call.
        if let Ok(s) = obj.cast_exact::<PyString>() {
            write_str(out, s.to_str()?);
        } else if obj.is_none() {
            out.extend_from_slice(b"null");
        } else if let Ok(b) = obj.cast_exact::<PyBool>() {
            out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
        } else if let Ok(i) = obj.cast_exact::<PyInt>() {
            write_int(out, i)?;
        } else if let Ok(f) = obj.cast_exact::<PyFloat>() {
            write_float(out, f.value())?;
        } else if let Ok(d) = obj.cast_exact::<PyDict>() {
            self.dict(d, out, depth)?;
        } else if let Ok(l) = obj.cast_exact::<PyList>() {
            self.seq(l.iter(), out, depth)?;
        } else if let Ok(t) = obj.cast_exact::<PyTuple>() {
            self.seq(t.iter(), out, depth)?;
        } else {
            self.other(obj, out, depth)?;
        }
        Ok(())
    }

    /// Subclasses and non-JSON types, following each mode's rules.
    fn other(&self, obj: &Bound<'_, PyAny>, out: &mut Vec<u8>, depth: usize) -> PyResult<()> {
        match self.mode {
            Mode::Jsonable => {
                // A pydantic model: `jsonable_encoder` calls
                // `model_dump(mode="json", by_alias=True)` and then only walks the
                // plain result (dropping `_sa` keys), which this encoder does.
                if let Some(dumped) = calls::model_dump(obj)? {
                    return self.value(&dumped, out, depth + 1);
                }
                // `jsonable_encoder` (Python) knows every type FastAPI knows:
                // models, dataclasses, enums, datetimes, UUIDs, sets, ...
                let plain = calls::jsonable_encoder(obj)?;
                // Its output is plain data, but a subclass of str/int/float
                // would come straight back here: write those with json.dumps'
                // rules instead of recursing.
                Encoder {
                    mode: Mode::DumpsOnly,
                }
                .value(&plain, out, depth + 1)
            }
            Mode::DumpsOnly => {
                // json.dumps: isinstance checks in this order.
                if let Ok(s) = obj.cast::<PyString>() {
                    write_str(out, s.to_str()?);
                } else if let Ok(i) = obj.cast::<PyInt>() {
                    // bool is handled exactly above; int subclasses use int.__repr__.
                    write_int(out, i)?;
                } else if let Ok(f) = obj.cast::<PyFloat>() {
                    write_float(out, f.value())?;
                } else if let Ok(l) = obj.cast::<PyList>() {
                    self.seq(l.iter(), out, depth)?;
                } else if let Ok(t) = obj.cast::<PyTuple>() {
                    self.seq(t.iter(), out, depth)?;
                } else if let Ok(d) = obj.cast::<PyDict>() {
                    self.dict(d, out, depth)?;
                } else {
                    let type_name = obj.get_type().name()?;
                    return Err(PyTypeError::new_err(format!(
                        "Object of type {type_name} is not JSON serializable"
                    )));
                }
                Ok(())
            }
        }
    }

    fn seq<'py>(
        &self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> PyResult<()> {
        out.push(b'[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.value(&item, out, depth + 1)?;
        }
        out.push(b']');
        Ok(())
    }

    fn dict(&self, dict: &Bound<'_, PyDict>, out: &mut Vec<u8>, depth: usize) -> PyResult<()> {
        out.push(b'{');
        let mut first = true;
        for (key, value) in dict.iter() {
            if self.mode == Mode::Jsonable {
                // jsonable_encoder(sqlalchemy_safe=True) drops keys that start
                // with "_sa" (SQLAlchemy instance state); FastAPI users see that.
                if let Ok(k) = key.cast::<PyString>() {
                    if k.to_str()?.starts_with("_sa") {
                        continue;
                    }
                }
            }
            if !first {
                out.push(b',');
            }
            first = false;
            self.key(&key, out)?;
            out.push(b':');
            self.value(&value, out, depth + 1)?;
        }
        out.push(b'}');
        Ok(())
    }

    /// A dict key, as json.dumps writes it after `jsonable_encoder` ran on it.
    fn key(&self, key: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> PyResult<()> {
        let owned;
        let key = if self.mode == Mode::Jsonable
            && !(key.is_exact_instance_of::<PyString>() || key.is_exact_instance_of::<PyInt>())
        {
            owned = calls::jsonable_encoder(key)?;
            &owned
        } else {
            key
        };
        if let Ok(s) = key.cast::<PyString>() {
            write_str(out, s.to_str()?);
        } else if let Ok(f) = key.cast::<PyFloat>() {
            out.push(b'"');
            write_float(out, f.value())?;
            out.push(b'"');
        } else if let Ok(b) = key.cast_exact::<PyBool>() {
            out.extend_from_slice(if b.is_true() { b"\"true\"" } else { b"\"false\"" });
        } else if key.is_none() {
            out.extend_from_slice(b"\"null\"");
        } else if let Ok(i) = key.cast::<PyInt>() {
            out.push(b'"');
            write_int(out, i)?;
            out.push(b'"');
        } else {
            let type_name = key.get_type().name()?;
            return Err(PyTypeError::new_err(format!(
                "keys must be str, int, float, bool or None, not {type_name}"
            )));
        }
        Ok(())
    }
}

fn write_int(out: &mut Vec<u8>, int: &Bound<'_, PyInt>) -> PyResult<()> {
    if let Ok(small) = int.extract::<i64>() {
        out.extend_from_slice(small.to_string().as_bytes());
    } else {
        // Arbitrary precision: int.__repr__, which also enforces Python's
        // int_max_str_digits limit exactly as json.dumps would.
        let repr = int
            .py()
            .get_type::<PyInt>()
            .getattr(intern!(int.py(), "__repr__"))?
            .call1((int,))?;
        out.extend_from_slice(repr.cast::<PyString>()?.to_str()?.as_bytes());
    }
    Ok(())
}

fn write_float(out: &mut Vec<u8>, value: f64) -> PyResult<()> {
    if !value.is_finite() {
        return Err(PyValueError::new_err(format!(
            "Out of range float values are not JSON compliant: {}",
            float_repr(value)
        )));
    }
    out.extend_from_slice(float_repr(value).as_bytes());
    Ok(())
}

/// Python's `repr(float)`: the shortest string that round-trips, in fixed
/// notation when the decimal exponent is in `-4..16`, otherwise scientific with
/// a signed, at-least-two-digit exponent (`1e+16`, `1.5e-05`).
pub fn float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, like Python's repr.
    let sci = format!("{value:e}");
    let (mantissa, exponent) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if (-4..16).contains(&exponent) {
        if exponent < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
            out.push_str(&digits);
        } else {
            let int_len = exponent as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            out.push('0');
        }
        out.push_str(&magnitude.to_string());
    }
    out
}

/// Writes a JSON string the way `json.dumps(ensure_ascii=False)` does:
/// only `"`, `\` and control characters are escaped; everything else,
/// including non-ASCII text and DEL, is written as UTF-8.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python_rules() {
        let cases = [
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (1.5, "1.5"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345.6, "123456789012345.6"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.30000000000000004, "0.30000000000000004"),
            (12345.0, "12345.0"),
        ];
        for (value, expected) in cases {
            assert_eq!(float_repr(value), expected, "repr of {value:?}");
        }
    }

    #[test]
    fn strings_escape_like_json_dumps_without_ascii() {
        let mut out = Vec::new();
        write_str(&mut out, "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{7f}é☃😀/");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\u{7f}é☃😀/\""
        );
    }
}
