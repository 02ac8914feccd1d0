//! Constraints of `Query(ge=1)`, `Path(max_length=8)`, ...: checked after
//! parsing, exactly as pydantic-core's constrained validators check them
//! (same order, same float tolerance, the same `regex` crate), with
//! pydantic's messages and `ctx`.

use std::cmp::Ordering;
use std::sync::OnceLock;

use crate::extraction::validation_errors::{Loc, ValidationErrors};
use crate::response::json::float_repr;

/// Bounds of an `int` parameter, checked in pydantic's order.
#[derive(Debug, Default)]
pub struct IntBounds {
    pub multiple_of: Option<i64>,
    pub le: Option<i64>,
    pub lt: Option<i64>,
    pub ge: Option<i64>,
    pub gt: Option<i64>,
}

/// Bounds of a `float` parameter.
#[derive(Debug, Default)]
pub struct FloatBounds {
    pub multiple_of: Option<f64>,
    pub le: Option<f64>,
    pub lt: Option<f64>,
    pub ge: Option<f64>,
    pub gt: Option<f64>,
}

/// Length and pattern of a `str` parameter.
#[derive(Debug, Default)]
pub struct StrBounds {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<&'static Pattern>,
}

impl IntBounds {
    pub const NONE: IntBounds = IntBounds {
        multiple_of: None,
        le: None,
        lt: None,
        ge: None,
        gt: None,
    };
}

impl FloatBounds {
    pub const NONE: FloatBounds = FloatBounds {
        multiple_of: None,
        le: None,
        lt: None,
        ge: None,
        gt: None,
    };
}

impl StrBounds {
    pub const NONE: StrBounds = StrBounds {
        min_length: None,
        max_length: None,
        pattern: None,
    };
}

/// A `pattern=` regex, compiled on first use. The compiler checked that
/// it compiles, as pydantic (with the same crate) would at start-up.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| regex::Regex::new(self.source).ok())
            .as_ref()
            .is_some_and(|regex| regex.is_match(text))
    }
}

/// An integer as parsed from the request: i64, or decimal digits beyond it.
pub enum IntValue<'a> {
    Small(i64),
    Big(&'a str),
}

impl IntValue<'_> {
    fn cmp(&self, bound: i64) -> Ordering {
        match self {
            IntValue::Small(value) => value.cmp(&bound),
            // Outside i64 and bounds are i64: the sign decides.
            IntValue::Big(digits) => {
                if digits.starts_with('-') {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
        }
    }

    fn is_multiple_of(&self, divisor: i64) -> bool {
        match self {
            IntValue::Small(value) => divisor != 0 && value % divisor == 0,
            IntValue::Big(digits) => {
                let divisor = i128::from(divisor).abs();
                divisor != 0
                    && digits
                        .trim_start_matches(['+', '-'])
                        .bytes()
                        .fold(0i128, |rem, d| (rem * 10 + i128::from(d - b'0')) % divisor)
                        == 0
            }
        }
    }
}

/// Records the first violated bound; `true` if the value passes.
pub fn check_int(
    value: IntValue<'_>,
    bounds: &IntBounds,
    raw: &str,
    loc: Loc,
    errors: &mut ValidationErrors,
) -> bool {
    let error = if let Some(m) = bounds.multiple_of.filter(|m| !value.is_multiple_of(*m)) {
        Some((
            "multiple_of",
            format!("Input should be a multiple of {m}"),
            "multiple_of",
            m.to_string(),
        ))
    } else if let Some(le) = bounds.le.filter(|le| value.cmp(*le) == Ordering::Greater) {
        Some((
            "less_than_equal",
            format!("Input should be less than or equal to {le}"),
            "le",
            le.to_string(),
        ))
    } else if let Some(lt) = bounds.lt.filter(|lt| value.cmp(*lt) != Ordering::Less) {
        Some((
            "less_than",
            format!("Input should be less than {lt}"),
            "lt",
            lt.to_string(),
        ))
    } else if let Some(ge) = bounds.ge.filter(|ge| value.cmp(*ge) == Ordering::Less) {
        Some((
            "greater_than_equal",
            format!("Input should be greater than or equal to {ge}"),
            "ge",
            ge.to_string(),
        ))
    } else {
        bounds
            .gt
            .filter(|gt| value.cmp(*gt) != Ordering::Greater)
            .map(|gt| {
                (
                    "greater_than",
                    format!("Input should be greater than {gt}"),
                    "gt",
                    gt.to_string(),
                )
            })
    };
    report(error, raw, loc, errors)
}

/// pydantic-core's constrained float: `multiple_of` within 1e-9 of the
/// nearest multiple (NaN passes), comparisons by `partial_cmp` (NaN fails).
/// Messages use Rust's float display (`1e20` reads 100000000000000000000).
pub fn check_float(
    value: f64,
    bounds: &FloatBounds,
    raw: &str,
    loc: Loc,
    errors: &mut ValidationErrors,
) -> bool {
    let within =
        |bound: f64, accept: &[Ordering]| value.partial_cmp(&bound).is_some_and(|o| accept.contains(&o));
    let error = if let Some(m) = bounds
        .multiple_of
        .filter(|m| (value - (value / m).round() * m).abs() > 1e-9)
    {
        Some((
            "multiple_of",
            format!("Input should be a multiple of {m}"),
            "multiple_of",
            float_repr(m),
        ))
    } else if let Some(le) = bounds
        .le
        .filter(|le| !within(*le, &[Ordering::Less, Ordering::Equal]))
    {
        Some((
            "less_than_equal",
            format!("Input should be less than or equal to {le}"),
            "le",
            float_repr(le),
        ))
    } else if let Some(lt) = bounds.lt.filter(|lt| !within(*lt, &[Ordering::Less])) {
        Some((
            "less_than",
            format!("Input should be less than {lt}"),
            "lt",
            float_repr(lt),
        ))
    } else if let Some(ge) = bounds
        .ge
        .filter(|ge| !within(*ge, &[Ordering::Greater, Ordering::Equal]))
    {
        Some((
            "greater_than_equal",
            format!("Input should be greater than or equal to {ge}"),
            "ge",
            float_repr(ge),
        ))
    } else {
        bounds
            .gt
            .filter(|gt| !within(*gt, &[Ordering::Greater]))
            .map(|gt| {
                (
                    "greater_than",
                    format!("Input should be greater than {gt}"),
                    "gt",
                    float_repr(gt),
                )
            })
    };
    report(error, raw, loc, errors)
}

/// Lengths in characters, then the pattern (searched, not anchored).
pub fn check_str(value: &str, bounds: &StrBounds, loc: Loc, errors: &mut ValidationErrors) -> bool {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let length = || value.chars().count();
    let error = if let Some(min) = bounds.min_length.filter(|min| length() < *min) {
        Some((
            "string_too_short",
            format!("String should have at least {min} character{}", plural(min)),
            "min_length",
            min.to_string(),
        ))
    } else if let Some(max) = bounds.max_length.filter(|max| length() > *max) {
        Some((
            "string_too_long",
            format!("String should have at most {max} character{}", plural(max)),
            "max_length",
            max.to_string(),
        ))
    } else if let Some(pattern) = bounds.pattern.filter(|p| !p.is_match(value)) {
        let mut quoted = Vec::new();
        crate::response::json::write_str(&mut quoted, pattern.source);
        Some((
            "string_pattern_mismatch",
            format!("String should match pattern '{}'", pattern.source),
            "pattern",
            String::from_utf8(quoted).unwrap_or_default(),
        ))
    } else {
        None
    };
    report(error, value, loc, errors)
}

fn report(
    error: Option<(&str, String, &str, String)>,
    raw: &str,
    loc: Loc,
    errors: &mut ValidationErrors,
) -> bool {
    match error {
        None => true,
        Some((kind, msg, ctx_key, ctx_json)) => {
            errors.push_with_ctx(kind, loc, &msg, Some(raw), ctx_key, &ctx_json);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_error(check: impl FnOnce(&mut ValidationErrors) -> bool) -> String {
        let mut errors = ValidationErrors::new();
        let passed = check(&mut errors);
        let body = String::from_utf8(errors.into_body()).unwrap();
        assert_eq!(passed, body == r#"{"detail":[]}"#);
        body
    }

    #[test]
    fn float_multiple_of_uses_pydantics_tolerance() {
        let bounds = FloatBounds {
            multiple_of: Some(0.1),
            ..FloatBounds::NONE
        };
        for (value, passes) in [
            (0.3, true),
            (1e-9, true),
            (1e-8, false),
            (0.31, false),
            (f64::NAN, true),
        ] {
            let body = first_error(|e| check_float(value, &bounds, "x", Loc::query("f"), e));
            assert_eq!(body == r#"{"detail":[]}"#, passes, "{value}: {body}");
        }
    }

    #[test]
    fn messages_and_ctx_match_pydantic() {
        let bounds = FloatBounds {
            le: Some(1e20),
            ..FloatBounds::NONE
        };
        assert_eq!(
            first_error(|e| check_float(1e21, &bounds, "1e21", Loc::query("h"), e)),
            r#"{"detail":[{"type":"less_than_equal","loc":["query","h"],"msg":"Input should be less than or equal to 100000000000000000000","input":"1e21","ctx":{"le":1e+20}}]}"#
        );
        let bounds = IntBounds {
            multiple_of: Some(5),
            le: Some(4),
            ..IntBounds::NONE
        };
        assert!(
            first_error(|e| check_int(IntValue::Small(7), &bounds, "7", Loc::query("a"), e))
                .contains("multiple_of")
        );
        let bounds = IntBounds {
            le: Some(5),
            ..IntBounds::NONE
        };
        assert!(first_error(|e| check_int(
            IntValue::Big("99999999999999999999"),
            &bounds,
            "x",
            Loc::query("a"),
            e
        ))
        .contains("less_than_equal"));
        static PATTERN: Pattern = Pattern::new("^[a-z]+$");
        let bounds = StrBounds {
            min_length: Some(1),
            pattern: Some(&PATTERN),
            ..StrBounds::NONE
        };
        assert_eq!(
            first_error(|e| check_str("", &bounds, Loc::query("s"), e)),
            r#"{"detail":[{"type":"string_too_short","loc":["query","s"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]}"#
        );
        assert!(first_error(|e| check_str("ABC", &bounds, Loc::query("s"), e))
            .contains(r#""ctx":{"pattern":"^[a-z]+$"}"#));
    }
}
