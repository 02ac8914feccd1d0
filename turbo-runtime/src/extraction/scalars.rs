//! Typed extractors for path and query parameters.
//!
//! Each extractor parses a raw string exactly as pydantic's lax mode does
//! for FastAPI (whitespace, underscores, `5.0` as an int, the accepted
//! boolean spellings, ...), builds the Python value the handler receives,
//! and records FastAPI's 422 error entry when the value is missing or
//! invalid. Errors are collected for every parameter before answering, as
//! FastAPI reports them all.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

use crate::extraction::constraints::{
    check_float, check_int, check_str, FloatBounds, IntBounds, IntValue, StrBounds,
};
use crate::extraction::validation_errors::{Loc, ValidationErrors};
use crate::response::json::write_str;

/// What a handler receives when the parameter is absent.
#[derive(Clone, Copy, Debug)]
pub enum Fallback {
    /// No default: absence is a `missing` error.
    Required,
    None,
    Bool(bool),
    Int(i64),
    /// An integer literal too large for i64, in decimal.
    BigInt(&'static str),
    Float(f64),
    Str(&'static str),
    /// A list literal (a fresh list per request, as FastAPI deep-copies it).
    List(&'static [Fallback]),
}

impl Fallback {
    fn to_python<'py>(self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(Some(match self {
            Fallback::Required => return Ok(None),
            Fallback::None => py.None().into_bound(py),
            Fallback::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
            Fallback::Int(i) => i.into_pyobject(py)?.into_any(),
            Fallback::BigInt(digits) => big_int(py, digits)?,
            Fallback::Float(f) => PyFloat::new(py, f).into_any(),
            Fallback::Str(s) => PyString::new(py, s).into_any(),
            Fallback::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items.iter() {
                    values.push((*item).to_python(py)?.unwrap_or_else(|| py.None().into_bound(py)));
                }
                pyo3::types::PyList::new(py, values)?.into_any()
            }
        }))
    }
}

/// What every extractor returns: the handler's argument, or `None` after
/// recording why not in [`ValidationErrors`].
pub type Extracted<'py> = Option<Bound<'py, PyAny>>;

/// `Ok(raw)` when the parameter is present; otherwise what the handler
/// gets instead (its default, or `None` after a `missing` error).
fn present_or_fallback<'py, 'a>(
    py: Python<'py>,
    raw: Option<&'a str>,
    fallback: Fallback,
    loc: Loc,
    errors: &mut ValidationErrors,
) -> Result<&'a str, Extracted<'py>> {
    match raw {
        Some(raw) => Ok(raw),
        None => match errors.internal(fallback.to_python(py)) {
            Some(None) => {
                errors.missing(loc);
                Err(None)
            }
            Some(value) => Err(value),
            None => Err(None),
        },
    }
}

/// An unannotated parameter (`Any`) or `str`: the text as it came.
pub fn str<'py>(
    py: Python<'py>,
    raw: Option<&str>,
    fallback: Fallback,
    loc: Loc,
    bounds: &StrBounds,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let raw = match present_or_fallback(py, raw, fallback, loc, errors) {
        Ok(raw) => raw,
        Err(done) => return done,
    };
    if !check_str(raw, bounds, loc, errors) {
        return None;
    }
    Some(PyString::new(py, raw).into_any())
}

pub fn int<'py>(
    py: Python<'py>,
    raw: Option<&str>,
    fallback: Fallback,
    loc: Loc,
    bounds: &IntBounds,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let raw = match present_or_fallback(py, raw, fallback, loc, errors) {
        Ok(raw) => raw,
        Err(done) => return done,
    };
    match parse_int(raw) {
        ParsedInt::Small(value) => {
            check_int(IntValue::Small(value), bounds, raw, loc, errors).then_some(())?;
            Some(value.into_pyobject(py).ok()?.into_any())
        }
        ParsedInt::Big(digits) => {
            check_int(IntValue::Big(&digits), bounds, raw, loc, errors).then_some(())?;
            errors.internal(big_int(py, &digits))
        }
        ParsedInt::TooLong => {
            errors.push(
                "int_parsing_size",
                loc,
                "Unable to parse input string as an integer, exceeded maximum size",
                Some(raw),
            );
            None
        }
        ParsedInt::Invalid => {
            errors.push(
                "int_parsing",
                loc,
                "Input should be a valid integer, unable to parse string as an integer",
                Some(raw),
            );
            None
        }
    }
}

pub fn float<'py>(
    py: Python<'py>,
    raw: Option<&str>,
    fallback: Fallback,
    loc: Loc,
    bounds: &FloatBounds,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let raw = match present_or_fallback(py, raw, fallback, loc, errors) {
        Ok(raw) => raw,
        Err(done) => return done,
    };
    match parse_float(raw) {
        Some(value) => {
            check_float(value, bounds, raw, loc, errors).then_some(())?;
            Some(PyFloat::new(py, value).into_any())
        }
        None => {
            errors.push(
                "float_parsing",
                loc,
                "Input should be a valid number, unable to parse string as a number",
                Some(raw),
            );
            None
        }
    }
}

pub fn bool<'py>(
    py: Python<'py>,
    raw: Option<&str>,
    fallback: Fallback,
    loc: Loc,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let raw = match present_or_fallback(py, raw, fallback, loc, errors) {
        Ok(raw) => raw,
        Err(done) => return done,
    };
    match parse_bool(raw) {
        Some(value) => Some(PyBool::new(py, value).to_owned().into_any()),
        None => {
            errors.push(
                "bool_parsing",
                loc,
                "Input should be a valid boolean, unable to interpret input",
                Some(raw),
            );
            None
        }
    }
}

/// The element type of a `list[T]` parameter.
#[derive(Clone, Copy, Debug)]
pub enum ListItem {
    Str,
    Int,
    Float,
    Bool,
}

/// A `list[T]` query or header parameter: every value sent under the name,
/// each parsed as `T` (errors carry the index); none sent means absent.
pub fn list<'py, S: AsRef<str>>(
    py: Python<'py>,
    values: &[S],
    item: ListItem,
    fallback: Fallback,
    loc: Loc,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    if values.is_empty() {
        return match present_or_fallback(py, None, fallback, loc, errors) {
            Ok(_) => None,
            Err(done) => done,
        };
    }
    let mut items = Vec::with_capacity(values.len());
    let mut complete = true;
    for (index, value) in values.iter().enumerate() {
        let raw = Some(value.as_ref());
        let at = loc.at(index);
        let parsed = match item {
            ListItem::Str => str(py, raw, Fallback::Required, at, &StrBounds::NONE, errors),
            ListItem::Int => int(py, raw, Fallback::Required, at, &IntBounds::NONE, errors),
            ListItem::Float => float(py, raw, Fallback::Required, at, &FloatBounds::NONE, errors),
            ListItem::Bool => bool(py, raw, Fallback::Required, at, errors),
        };
        match parsed {
            Some(parsed) => items.push(parsed),
            None => complete = false,
        }
    }
    if !complete {
        return None;
    }
    errors.internal(pyo3::types::PyList::new(py, items).map(Bound::into_any))
}

/// One allowed value of an `Enum` or `Literal[...]` parameter.
#[derive(Clone, Copy, Debug)]
pub enum ChoiceValue {
    Str(&'static str),
    Int(i64),
}

/// The values an `Enum` class or a `Literal[...]` allows.
#[derive(Debug)]
pub struct Choices {
    pub values: &'static [ChoiceValue],
    /// Index into `AppSpec::enum_classes`; `None` for `Literal[...]`.
    pub enum_class: Option<usize>,
    /// pydantic's rendering of the values: `'red' or 'green'`.
    pub expected: &'static str,
}

/// An `Enum` or `Literal[...]` parameter, matched as pydantic matches a
/// string: exactly for str values; int enums parse the text as an int
/// first; int literals never match text. The handler gets the enum member
/// (or the literal value); a default is passed through the enum class.
pub fn choice<'py>(
    py: Python<'py>,
    raw: Option<&str>,
    fallback: Fallback,
    loc: Loc,
    choices: &Choices,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let value = match raw {
        Some(raw) => {
            let found = choices.values.iter().find(|value| match value {
                ChoiceValue::Str(text) => *text == raw,
                ChoiceValue::Int(number) => {
                    choices.enum_class.is_some() && parse_int(raw) == ParsedInt::Small(*number)
                }
            });
            match found {
                Some(value) => errors.internal(match value {
                    ChoiceValue::Str(text) => Ok(PyString::new(py, text).into_any()),
                    ChoiceValue::Int(number) => Ok(PyInt::new(py, *number).into_any()),
                })?,
                None => {
                    let (kind, expected) = (
                        if choices.enum_class.is_some() {
                            "enum"
                        } else {
                            "literal_error"
                        },
                        choices.expected,
                    );
                    let mut ctx = Vec::new();
                    write_str(&mut ctx, expected);
                    errors.push_with_ctx(
                        kind,
                        loc,
                        &format!("Input should be {expected}"),
                        Some(raw),
                        "expected",
                        &String::from_utf8(ctx).unwrap_or_default(),
                    );
                    return None;
                }
            }
        }
        None => match present_or_fallback(py, None, fallback, loc, errors) {
            Ok(_) => return None,
            Err(None) => return None,
            Err(Some(default)) if default.is_none() => return Some(default),
            Err(Some(default)) => default,
        },
    };
    match choices.enum_class {
        None => Some(value),
        Some(index) => errors.internal(crate::python::calls::enum_class(py, index).call1((value,))),
    }
}

/// A `{name:uuid}` path value (already matched by the convertor), as the
/// `uuid.UUID` Starlette's convertor produces.
pub fn uuid<'py>(py: Python<'py>, raw: &str, errors: &mut ValidationErrors) -> Extracted<'py> {
    let uuid = crate::python::entry_points::entry_points()
        .uuid
        .bind(py)
        .call1((raw,));
    errors.internal(uuid)
}

fn big_int<'py>(py: Python<'py>, digits: &str) -> PyResult<Bound<'py, PyAny>> {
    py.get_type::<PyInt>().call1((digits,))
}

#[derive(Debug, PartialEq, Eq)]
pub enum ParsedInt {
    Small(i64),
    /// Sign and digits of a value outside i64.
    Big(String),
    TooLong,
    Invalid,
}

/// pydantic-core's `str_as_int`: trim, refuse more than 4300 characters,
/// then accept `[+-]digits`, optionally with `.000…` and with single
/// underscores between digits.
pub fn parse_int(raw: &str) -> ParsedInt {
    let text = raw.trim();
    if text.len() > 4300 {
        return ParsedInt::TooLong;
    }
    if let Some(int) = plain_int(text) {
        return int;
    }
    if let Some(stripped) = strip_decimal_zeros(text) {
        return plain_int(stripped)
            .or_else(|| strip_underscores(stripped).and_then(|s| plain_int(&s)))
            .unwrap_or(ParsedInt::Invalid);
    }
    strip_underscores(text)
        .and_then(|s| plain_int(&s))
        .unwrap_or(ParsedInt::Invalid)
}

fn plain_int(text: &str) -> Option<ParsedInt> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match text.parse::<i64>() {
        Ok(value) => ParsedInt::Small(value),
        Err(_) => ParsedInt::Big(text.to_owned()),
    })
}

/// `"5.000"` → `"5"`: a fractional part of zeros only does not stop an int.
fn strip_decimal_zeros(text: &str) -> Option<&str> {
    let (int, frac) = text.split_once('.')?;
    (!frac.is_empty() && frac.bytes().all(|b| b == b'0')).then_some(int)
}

/// `1_000` → `1000`; leading, trailing or doubled underscores are invalid.
fn strip_underscores(text: &str) -> Option<String> {
    if text.starts_with('_') || text.ends_with('_') || !text.contains('_') || text.contains("__") {
        return None;
    }
    Some(text.replace('_', ""))
}

/// pydantic-core's `str_as_float`: Rust's float grammar on the trimmed
/// text (which includes `inf`, `infinity` and `nan` in any case), then the
/// untrimmed text with underscores removed.
pub fn parse_float(raw: &str) -> Option<f64> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .or_else(|| strip_underscores(raw).and_then(|s| s.parse().ok()))
}

/// pydantic-core's `str_as_bool`: exact spellings, case-insensitive, no trimming.
pub fn parse_bool(raw: &str) -> Option<bool> {
    const FALSE: [&str; 5] = ["f", "n", "no", "off", "false"];
    const TRUE: [&str; 5] = ["t", "y", "on", "yes", "true"];
    if raw == "0" || FALSE.iter().any(|s| raw.eq_ignore_ascii_case(s)) {
        Some(false)
    } else if raw == "1" || TRUE.iter().any(|s| raw.eq_ignore_ascii_case(s)) {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_follow_pydantic() {
        use ParsedInt::*;
        let cases = [
            ("5", Small(5)),
            ("+5", Small(5)),
            (" 5 ", Small(5)),
            ("\u{2003}5", Small(5)),
            ("5.000", Small(5)),
            ("1_000", Small(1000)),
            ("1_0.0", Small(10)),
            ("00012", Small(12)),
            ("9223372036854775808", Big("9223372036854775808".into())),
            ("5.5", Invalid),
            ("5.", Invalid),
            ("1e3", Invalid),
            ("0x10", Invalid),
            ("1__0", Invalid),
            ("_1", Invalid),
            ("10.0_0", Invalid),
            ("", Invalid),
            ("-", Invalid),
            ("\u{663}", Invalid),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_int(raw), expected, "{raw:?}");
        }
        assert_eq!(parse_int(&"1".repeat(4301)), TooLong);
        assert_eq!(
            parse_int(&format!(" {} ", "1".repeat(4300))),
            Big("1".repeat(4300))
        );
    }

    #[test]
    fn floats_follow_pydantic() {
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float(" 2 "), Some(2.0));
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("in_f"), Some(f64::INFINITY));
        assert_eq!(parse_float(" 1_0 "), None);
        assert_eq!(parse_float("1.5_"), None);
        assert_eq!(parse_float("0x1p3"), None);
        assert!(parse_float("-NaN").unwrap().is_nan());
    }

    #[test]
    fn bools_follow_pydantic() {
        assert_eq!(parse_bool("TrUe"), Some(true));
        assert_eq!(parse_bool("off"), Some(false));
        assert_eq!(parse_bool(" true"), None);
        assert_eq!(parse_bool("01"), None);
    }

    #[test]
    fn errors_render_as_fastapi_detail() {
        let mut errors = ValidationErrors::new();
        errors.push("int_parsing", Loc::path("item_id"), "bad", Some("f\"oo"));
        errors.missing(Loc::query("q"));
        assert_eq!(
            String::from_utf8(errors.into_body()).unwrap(),
            r#"{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"bad","input":"f\"oo"},{"type":"missing","loc":["query","q"],"msg":"Field required","input":null}]}"#
        );
    }
}
