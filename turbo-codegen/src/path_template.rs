//! Parsing path templates (`/items/{item_id:int}`) with Starlette's rules.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{Convertor, PathPiece};
use crate::source::Span;

/// Most parameters in one path; the runtime's capture buffer has this size.
pub const MAX_PARAMS: usize = 16;

/// Parses `raw` into literal and parameter pieces. `at(offset, len)` maps a
/// range of `raw` to a source span. Reports every problem; `None` if any.
pub fn parse(
    raw: &str,
    at: impl Fn(usize, usize) -> Span,
    diags: &mut Diagnostics,
) -> Option<Vec<PathPiece>> {
    let mut ok = true;
    let error =
        |diags: &mut Diagnostics, code: Code, span: Span, message: String, label: &str, help: &str| {
            diags.push(Diagnostic::new(code, span, message).label(label).help(help));
        };
    if !raw.starts_with('/') {
        error(
            diags,
            Code::InvalidPath,
            at(0, raw.len()),
            format!("path `{raw}` does not start with `/`"),
            "Starlette refuses this path at start-up",
            "start the path with `/`",
        );
        ok = false;
    }
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut names: Vec<(String, Span)> = Vec::new();
    let mut rest = raw;
    let mut offset = 0;
    while let Some(open_or_close) = rest.find(['{', '}']) {
        literal.push_str(&rest[..open_or_close]);
        let here = offset + open_or_close;
        if rest[open_or_close..].starts_with('}') {
            error(
                diags,
                Code::InvalidPath,
                at(here, 1),
                "unbalanced `}` in path".to_owned(),
                "no `{` opens this",
                "remove the `}` or add the matching `{`",
            );
            ok = false;
            offset = here + 1;
            rest = &raw[offset..];
            continue;
        }
        let after = &rest[open_or_close + 1..];
        let close = after.find('}');
        let reopen = after.find('{');
        let Some(close) = close.filter(|c| reopen.is_none_or(|r| *c < r)) else {
            error(
                diags,
                Code::InvalidPath,
                at(here, 1),
                "unbalanced `{` in path".to_owned(),
                "this `{` is not closed",
                "close the parameter with `}`",
            );
            ok = false;
            offset = here + 1;
            rest = &raw[offset..];
            continue;
        };
        let inside = &after[..close];
        let span = at(here, close + 2);
        let (name, convertor) = match inside.split_once(':') {
            Some((name, convertor)) => (name, Some(convertor)),
            None => (inside, None),
        };
        let valid_name = !name.is_empty()
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            let message = if name.is_empty() {
                "empty parameter name in path".to_owned()
            } else {
                format!("`{name}` is not a valid path parameter name")
            };
            error(
                diags,
                Code::InvalidPath,
                span,
                message,
                "Starlette would treat this as literal text",
                "name parameters like Python identifiers: letters, digits and `_`",
            );
            ok = false;
        }
        let convertor = match convertor {
            None | Some("str") => Some(Convertor::Str),
            Some("path") => Some(Convertor::Path),
            Some("int") => Some(Convertor::Int),
            Some("float") => Some(Convertor::Float),
            Some("uuid") => Some(Convertor::Uuid),
            Some(other) => {
                error(
                    diags,
                    Code::UnknownConvertor,
                    span,
                    format!("unknown path convertor `{other}`"),
                    "Starlette refuses this path at start-up",
                    "use one of str, path, int, float, uuid",
                );
                ok = false;
                None
            }
        };
        if valid_name {
            if let Some((_, first)) = names.iter().find(|(n, _)| n == name) {
                diags.push(
                    Diagnostic::new(
                        Code::DuplicatePathParam,
                        span,
                        format!("path parameter `{name}` appears twice"),
                    )
                    .label("second use")
                    .secondary(*first, "first use")
                    .help("give each path parameter its own name"),
                );
                ok = false;
            }
            names.push((name.to_owned(), span));
        }
        if let Some(convertor) = convertor {
            if !literal.is_empty() {
                pieces.push(PathPiece::Literal(std::mem::take(&mut literal)));
            }
            pieces.push(PathPiece::Param {
                name: name.to_owned(),
                convertor,
                span,
            });
        }
        offset = here + close + 2;
        rest = &raw[offset..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(PathPiece::Literal(literal));
    }
    if names.len() > MAX_PARAMS {
        diags.push(
            Diagnostic::new(
                Code::TooManyPathParams,
                at(0, raw.len()),
                format!("{} path parameters", names.len()),
            )
            .label(format!("turbo supports up to {MAX_PARAMS} per path"))
            .help("move some values to query parameters"),
        );
        ok = false;
    }
    let last_param = pieces.iter().rposition(|p| matches!(p, PathPiece::Param { .. }));
    for (index, piece) in pieces.iter().enumerate() {
        if let PathPiece::Param {
            convertor: Convertor::Path,
            span,
            name,
        } = piece
        {
            if Some(index) != last_param || index + 1 != pieces.len() {
                diags.push(
                    Diagnostic::new(
                        Code::PathConvertorNotLast,
                        *span,
                        format!("`{{{name}:path}}` is not at the end of the path"),
                    )
                    .label("matches any text, slashes included")
                    .help(
                        "put the `:path` parameter last, or make sure what follows it cannot be part of it",
                    ),
                );
            }
        }
    }
    ok.then_some(pieces)
}
