//! Route lookup on 1,000 templated routes (`/r0/{x}` ... `/r999/{x}`):
//! turbo's segment trie (candidates, then each candidate's matcher, keeping
//! the first in declaration order, as the server does), the linear scan it
//! replaced (Starlette's order, one matcher after another), and matchit on
//! the same route set. The first and the last route are looked up; with
//! the trie both should cost the same.
//!
//! `cargo bench -p turbo-contract --bench lookup`

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use turbo_contract::template::{Captures, Convertor, Matcher, Piece};
use turbo_contract::trie::{Trie, TrieBuilder};

const ROUTES: usize = 1000;

/// The templates as the trie takes them: `/r0/`, then `{x}`.
fn templates(literals: &[String]) -> Vec<Vec<Piece<'_>>> {
    literals
        .iter()
        .map(|literal| vec![Piece::Literal(literal.as_str()), Piece::Param(Convertor::Str)])
        .collect()
}

/// The same templates one piece per segment (`r0`, `{x}`), as the server's
/// [`Matcher::Segments`] takes them.
fn segments(names: &[String]) -> Vec<Vec<Piece<'_>>> {
    names
        .iter()
        .map(|name| vec![Piece::Literal(name.as_str()), Piece::Param(Convertor::Str)])
        .collect()
}

/// The first route (in declaration order) matching `path`, as the router finds it.
fn trie_lookup(trie: &Trie<'_>, templates: &[Vec<Piece<'_>>], path: &str) -> Option<u16> {
    let mut best: Option<u16> = None;
    trie.candidates(path, |route| {
        if best.is_some_and(|b| b < route) {
            return;
        }
        if Matcher::Segments(&templates[route as usize]).matches(path, &mut Captures::default()) {
            best = Some(route);
        }
    });
    best
}

fn linear_lookup(templates: &[Vec<Piece<'_>>], path: &str) -> Option<u16> {
    (0..templates.len())
        .find(|i| Matcher::Segments(&templates[*i]).matches(path, &mut Captures::default()))
        .map(|i| i as u16)
}

fn lookup(c: &mut Criterion) {
    let literals: Vec<String> = (0..ROUTES).map(|i| format!("/r{i}/")).collect();
    let names: Vec<String> = (0..ROUTES).map(|i| format!("r{i}")).collect();
    let mut builder = TrieBuilder::default();
    for (index, pieces) in templates(&literals).iter().enumerate() {
        builder.add(index as u16, pieces);
    }
    let templates = segments(&names);
    let builder = builder.finish();
    let mut matchit = matchit::Router::new();
    for i in 0..ROUTES {
        matchit.insert(format!("/r{i}/{{x}}"), i).unwrap();
    }
    let first = "/r0/abc";
    let last = format!("/r{}/abc", ROUTES - 1);
    builder.with_trie(|trie| {
        // Every method finds the same route.
        assert_eq!(trie_lookup(&trie, &templates, first), Some(0));
        assert_eq!(trie_lookup(&trie, &templates, &last), Some(ROUTES as u16 - 1));
        assert_eq!(linear_lookup(&templates, &last), Some(ROUTES as u16 - 1));
        assert_eq!(*matchit.at(&last).unwrap().value, ROUTES - 1);
        c.bench_function("trie-walk-only/last", |b| {
            b.iter(|| {
                let mut n = 0u32;
                trie.candidates(black_box(last.as_str()), |r| n += r as u32);
                n
            })
        });
        for (name, path) in [("first", first), ("last", last.as_str())] {
            c.bench_function(&format!("trie/{name}"), |b| {
                b.iter(|| trie_lookup(&trie, &templates, black_box(path)))
            });
            c.bench_function(&format!("linear/{name}"), |b| {
                b.iter(|| linear_lookup(&templates, black_box(path)))
            });
            c.bench_function(&format!("matchit/{name}"), |b| {
                b.iter(|| matchit.at(black_box(path)).map(|m| *m.value))
            });
        }
    });
}

criterion_group!(benches, lookup);
criterion_main!(benches);
