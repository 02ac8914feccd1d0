//! Routes that an earlier route shadows.
//!
//! Starlette gives a request to the first route whose path and method
//! match. For a later route B and an earlier route A sharing a method:
//!
//! | paths of B vs A | meaning | diagnostic |
//! | --- | --- | --- |
//! | disjoint | no interaction | none |
//! | A ⊆ B | specific before general: the intended order | none |
//! | B ⊆ A | A catches every request B could serve: B is dead for that method | TB211, error |
//! | overlap, neither contains the other | A silently takes some of B's requests | TB212, warning |
//!
//! Unreachable code is an error because it is always a mistake; a partial
//! overlap is a warning because some apps rely on it deliberately. Exact
//! duplicates are TB201 and are not reported again here.

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{App, ParamType, PathPiece, Route};
use crate::path_language::{compare, Nfa, Relation};
use crate::shared_template::{match_pieces, Captures};

pub fn check(app: &App, diags: &mut Diagnostics) {
    let automata: Vec<Option<Nfa>> = app
        .routes
        .iter()
        .map(|route| (!route.path.is_static()).then(|| Nfa::of(&route.path.pieces)))
        .collect();
    // Routes can only overlap if their first segments can: group the ones
    // that start with a literal segment, and compare the rest with all.
    let mut by_first_segment: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut open_first_segment: Vec<usize> = Vec::new();
    for (later, route) in app.routes.iter().enumerate() {
        let key = first_literal_segment(route);
        let candidates: Vec<usize> = match key {
            Some(key) => {
                let mut earlier = by_first_segment.get(key).cloned().unwrap_or_default();
                earlier.extend(&open_first_segment);
                earlier.sort_unstable();
                earlier
            }
            None => (0..later).collect(),
        };
        check_route(app, &automata, later, &candidates, diags);
        match key {
            Some(key) => by_first_segment.entry(key).or_default().push(later),
            None => open_first_segment.push(later),
        }
    }
}

/// The first path segment, if it has no parameter.
fn first_literal_segment(route: &Route) -> Option<&str> {
    let first = route.path.raw.get(1..)?.split('/').next()?;
    (!first.contains('{')).then_some(first)
}

fn check_route(
    app: &App,
    automata: &[Option<Nfa>],
    later: usize,
    earlier: &[usize],
    diags: &mut Diagnostics,
) {
    let route = &app.routes[later];
    let mut dead: Vec<(&str, usize, String)> = Vec::new();
    let mut overlap: Option<(usize, String)> = None;
    for &index in earlier {
        let first = &app.routes[index];
        let shared: Vec<&str> = route
            .methods
            .iter()
            .filter(|m| first.methods.contains(m) && !dead.iter().any(|(d, _, _)| d == *m))
            .map(String::as_str)
            .collect();
        if shared.is_empty() || first.path.raw == route.path.raw {
            continue;
        }
        let Some(relation) = relate(first, automata[index].as_ref(), route, automata[later].as_ref()) else {
            continue;
        };
        match relation {
            Relation { common: None, .. } => {}
            Relation {
                only_later: None,
                common: Some(witness),
                ..
            } => {
                dead.extend(shared.iter().map(|m| (*m, index, witness.clone())));
            }
            Relation {
                earlier_wider: true,
                common: Some(witness),
                ..
            } => {
                overlap.get_or_insert((index, witness));
            }
            _ => {}
        }
    }
    if !dead.is_empty() {
        report_unreachable(app, later, &dead, diags);
    } else if let Some((index, witness)) = overlap {
        report_overlap(app, index, later, &witness, diags);
    }
}

/// Static paths need no automaton: a static route matches one path.
fn relate(
    earlier: &Route,
    earlier_nfa: Option<&Nfa>,
    later: &Route,
    later_nfa: Option<&Nfa>,
) -> Option<Relation> {
    match (earlier_nfa, later_nfa) {
        (Some(_), Some(_)) if literal_ends_conflict(earlier, later) => None,
        (Some(a), Some(b)) => Some(compare(a, b)),
        // Static later route: caught entirely if the earlier template matches it.
        (Some(_), None) => {
            let caught = earlier.path.matches(&later.path.raw);
            Some(Relation {
                common: caught.then(|| later.path.raw.clone()),
                only_later: (!caught).then(|| later.path.raw.clone()),
                earlier_wider: true,
            })
        }
        // A static earlier route is at most the specific one: never a problem
        // (equal static paths are duplicates, reported elsewhere).
        (None, _) => None,
    }
}

/// Every path a template matches starts with the literal text before its
/// first parameter and ends with the text after its last. If one template's
/// prefix (or suffix) is not a prefix (suffix) of the other's, no path
/// matches both: the common case, decided without building automata.
fn literal_ends_conflict(a: &Route, b: &Route) -> bool {
    let ((a_first, a_last), (b_first, b_last)) = (literal_ends(a), literal_ends(b));
    let prefixes_agree = a_first.starts_with(b_first) || b_first.starts_with(a_first);
    let suffixes_agree = a_last.ends_with(b_last) || b_last.ends_with(a_last);
    !(prefixes_agree && suffixes_agree)
}

/// The literal text before the first and after the last parameter.
fn literal_ends(route: &Route) -> (&str, &str) {
    let first = match route.path.pieces.first() {
        Some(PathPiece::Literal(text)) => text.as_str(),
        _ => "",
    };
    let last = match route.path.pieces.last() {
        Some(PathPiece::Literal(text)) if route.path.pieces.len() > 1 => text.as_str(),
        _ => "",
    };
    (first, last)
}

fn describe(route: &Route, methods: &[&str]) -> String {
    format!("{} {}", methods.join(", "), route.path.raw)
}

fn report_unreachable(app: &App, later: usize, dead: &[(&str, usize, String)], diags: &mut Diagnostics) {
    let route = &app.routes[later];
    let dead_methods: Vec<&str> = dead.iter().map(|(m, _, _)| *m).collect();
    let (_, first_index, witness) = &dead[0];
    let first = &app.routes[*first_index];
    let all = dead_methods.len() == route.methods.len();
    let message = if all {
        format!("route {} is unreachable", describe(route, &dead_methods))
    } else {
        format!(
            "{} requests never reach `{}`",
            dead_methods.join(", "),
            route.handler.name
        )
    };
    let rejection = rejection_note(first, witness);
    let mut diagnostic = Diagnostic::new(Code::UnreachableRoute, route.path.span, message)
        .label(format!(
            "`{}` is never called for {}",
            route.handler.name,
            dead_methods.join(", ")
        ))
        .help(format!(
            "declare `{}` before `{}` so the more specific route is tried first{}",
            route.path.raw, first.path.raw, rejection
        ));
    let mut labelled = Vec::new();
    for (_, index, witness) in dead {
        if labelled.contains(index) {
            continue;
        }
        labelled.push(*index);
        let methods: Vec<&str> = dead
            .iter()
            .filter(|(_, i, _)| i == index)
            .map(|(m, _, _)| *m)
            .collect();
        diagnostic = diagnostic.secondary(
            app.routes[*index].path.span,
            format!(
                "declared earlier: FastAPI sends every {} request this route could serve here, e.g. {}",
                methods.join("/"),
                witness
            ),
        );
    }
    diags.push(diagnostic);
}

fn report_overlap(app: &App, earlier: usize, later: usize, witness: &str, diags: &mut Diagnostics) {
    let route = &app.routes[later];
    let first = &app.routes[earlier];
    diags.push(
        Diagnostic::new(
            Code::ShadowedRoute,
            route.path.span,
            format!("`{}` is partly shadowed by `{}`", route.path.raw, first.path.raw),
        )
        .label(format!(
            "requests such as {witness} never reach `{}`",
            route.handler.name
        ))
        .secondary(
            first.path.span,
            format!("declared earlier, so FastAPI sends {witness} here"),
        )
        .help(format!(
            "if {witness} should reach `{}`, declare it before `{}`, or make the two paths distinct",
            route.handler.name, first.path.raw
        )),
    );
}

/// ", where `user_id` rejects `me` with a 422" when the shadowing route's
/// parameter type cannot hold what it captures from the witness path.
fn rejection_note(route: &Route, witness: &str) -> String {
    let mut captures = Captures::default();
    if !match_pieces(&route.path.shared_pieces(), witness, &mut captures) {
        return String::new();
    }
    for (index, (name, _, _)) in route.path.params().enumerate() {
        let text = captures.get(witness, index);
        let Some(param) = route.handler.params.iter().find(|p| p.name == name) else {
            continue;
        };
        let valid = match param.ty {
            ParamType::Int => text
                .trim()
                .trim_start_matches(['+', '-'])
                .chars()
                .all(|c| c.is_ascii_digit() || c == '_'),
            ParamType::Float => text.trim().parse::<f64>().is_ok(),
            ParamType::Bool => [
                "0", "1", "t", "f", "y", "n", "on", "no", "off", "yes", "true", "false",
            ]
            .iter()
            .any(|w| text.eq_ignore_ascii_case(w)),
            _ => true,
        };
        if !valid {
            return format!(
                " (today FastAPI answers {witness} with a 422: `{name}` must be {})",
                param.ty.name()
            );
        }
    }
    String::new()
}
