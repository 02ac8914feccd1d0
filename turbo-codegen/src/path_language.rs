//! The set of request paths a template matches, as an automaton.
//!
//! Starlette compiles a template to a regex (`[^/]+` for `{x}`, `.*` for
//! `{x:path}`, `[0-9]+` for `{x:int}`, ...). To compare two routes exactly,
//! each template becomes a small NFA over characters, and [`compare`]
//! explores both at once with the subset construction, over an alphabet of
//! one representative character per class of characters the two templates
//! cannot tell apart. The search is breadth-first, so the witness it
//! returns is a shortest path that shows the relation.

use std::collections::{HashMap, VecDeque};

use crate::ir::{Convertor, PathPiece};

/// What a transition accepts.
#[derive(Clone, Copy, Debug)]
enum Atom {
    Char(char),
    /// `[^/]`
    NotSlash,
    /// `.` (Python: anything but a newline)
    NotNewline,
    /// `[0-9]`
    Digit,
    /// `[0-9a-fA-F]`
    Hex,
}

impl Atom {
    fn accepts(self, c: char) -> bool {
        match self {
            Atom::Char(expected) => c == expected,
            Atom::NotSlash => c != '/',
            Atom::NotNewline => c != '\n',
            Atom::Digit => c.is_ascii_digit(),
            Atom::Hex => c.is_ascii_hexdigit(),
        }
    }
}

/// A Thompson-style NFA: state 0 starts, `accept` accepts.
pub struct Nfa {
    edges: Vec<Vec<(Atom, usize)>>,
    epsilon: Vec<Vec<usize>>,
    accept: usize,
    literal_chars: Vec<char>,
}

impl Nfa {
    pub fn of(pieces: &[PathPiece]) -> Nfa {
        let mut nfa = Nfa {
            edges: vec![Vec::new()],
            epsilon: vec![Vec::new()],
            accept: 0,
            literal_chars: Vec::new(),
        };
        let mut at = 0;
        for piece in pieces {
            at = match piece {
                PathPiece::Literal(text) => text.chars().fold(at, |from, c| {
                    nfa.literal_chars.push(c);
                    nfa.step(from, Atom::Char(c))
                }),
                PathPiece::Param { convertor, .. } => nfa.convertor(at, *convertor),
            };
        }
        nfa.accept = at;
        nfa
    }

    fn state(&mut self) -> usize {
        self.edges.push(Vec::new());
        self.epsilon.push(Vec::new());
        self.edges.len() - 1
    }

    fn step(&mut self, from: usize, atom: Atom) -> usize {
        let to = self.state();
        self.edges[from].push((atom, to));
        to
    }

    /// One or more of `atom`.
    fn plus(&mut self, from: usize, atom: Atom) -> usize {
        let to = self.step(from, atom);
        self.edges[to].push((atom, to));
        to
    }

    fn convertor(&mut self, from: usize, convertor: Convertor) -> usize {
        match convertor {
            Convertor::Str => self.plus(from, Atom::NotSlash),
            Convertor::Path => {
                let to = self.state();
                self.epsilon[from].push(to);
                self.edges[to].push((Atom::NotNewline, to));
                to
            }
            Convertor::Int => self.plus(from, Atom::Digit),
            Convertor::Float => {
                let int = self.plus(from, Atom::Digit);
                let dot = self.step(int, Atom::Char('.'));
                let frac = self.plus(dot, Atom::Digit);
                let end = self.state();
                self.epsilon[int].push(end);
                self.epsilon[frac].push(end);
                end
            }
            Convertor::Uuid => {
                let mut at = from;
                for (index, group) in [8, 4, 4, 4, 12].into_iter().enumerate() {
                    if index > 0 {
                        let dashed = self.step(at, Atom::Char('-'));
                        self.epsilon[at].push(dashed);
                        at = dashed;
                    }
                    for _ in 0..group {
                        at = self.step(at, Atom::Hex);
                    }
                }
                at
            }
        }
    }

    fn closure(&self, states: &mut StateSet) {
        let mut stack: Vec<usize> = states.iter().collect();
        while let Some(state) = stack.pop() {
            for &next in &self.epsilon[state] {
                if states.insert(next) {
                    stack.push(next);
                }
            }
        }
    }

    fn start(&self) -> StateSet {
        let mut states = StateSet::new(self.edges.len());
        states.insert(0);
        self.closure(&mut states);
        states
    }

    fn advance(&self, states: &StateSet, c: char) -> StateSet {
        let mut next = StateSet::new(self.edges.len());
        for state in states.iter() {
            for (atom, to) in &self.edges[state] {
                if atom.accepts(c) {
                    next.insert(*to);
                }
            }
        }
        self.closure(&mut next);
        next
    }
}

/// A set of NFA states as a bitset: cheap to hash and compare.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct StateSet(Vec<u64>);

impl StateSet {
    fn new(states: usize) -> Self {
        StateSet(vec![0; states.div_ceil(64)])
    }

    /// Adds `state`; `true` if it was not there.
    fn insert(&mut self, state: usize) -> bool {
        let (word, bit) = (state / 64, 1u64 << (state % 64));
        let added = self.0[word] & bit == 0;
        self.0[word] |= bit;
        added
    }

    fn contains(&self, state: usize) -> bool {
        self.0[state / 64] & (1u64 << (state % 64)) != 0
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(index, word)| {
            (0..64)
                .filter(move |bit| word & (1u64 << bit) != 0)
                .map(move |bit| index * 64 + bit)
        })
    }
}

/// How the paths of a later route relate to those of an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// A path both match (shortest), if any.
    pub common: Option<String>,
    /// A path the later route matches and the earlier does not, if any:
    /// `None` means the earlier route catches everything the later one could.
    pub only_later: Option<String>,
    /// Whether the earlier route matches some path the later one does not.
    pub earlier_wider: bool,
}

/// One character per class of characters that no atom of either automaton
/// tells apart, plus every literal character.
fn alphabet(a: &Nfa, b: &Nfa) -> Vec<char> {
    let mut chars: Vec<char> = a.literal_chars.iter().chain(&b.literal_chars).copied().collect();
    // No '\n': Python's `.` (in `{x:path}`) stops at a newline, so with
    // it no `:path` route would ever cover another. Paths with a raw
    // newline are not a routing concern worth a diagnostic.
    chars.extend(['/', '.', '-']);
    // Representatives for the digit, lower/upper hex, other-letter and
    // non-ASCII classes, avoiding characters already listed.
    for class in [
        "1234567890",
        "abcdef",
        "ABCDEF",
        "xyzghijklmnopqrstuvw_~!@$'()*+,;=:",
        "é",
    ] {
        if let Some(c) = class.chars().find(|c| !chars.contains(c)) {
            chars.push(c);
        }
    }
    // Breadth-first search tries characters in this order, so the witness
    // shown to the user prefers letters, then digits, then the rest.
    chars.sort_unstable_by_key(|c| {
        let rank = if c.is_ascii_lowercase() {
            0
        } else if c.is_ascii_digit() {
            1
        } else if c.is_ascii_uppercase() {
            2
        } else {
            3
        };
        (rank, *c)
    });
    chars.dedup();
    chars
}

/// A pair of NFA state sets: where the two automata are after some input.
type Node = (StateSet, StateSet);
/// How the search reached each node: from which node, by which character.
type Parents = HashMap<Node, Option<(Node, char)>>;

/// The input that leads from the start to `node`.
fn witness(parents: &Parents, mut node: Node) -> String {
    let mut text = Vec::new();
    while let Some(Some((parent, c))) = parents.get(&node) {
        text.push(*c);
        node = parent.clone();
    }
    text.iter().rev().collect()
}

/// Compares the path languages of an `earlier` and a `later` template.
pub fn compare(earlier: &Nfa, later: &Nfa) -> Relation {
    let alphabet = alphabet(earlier, later);
    let start = (earlier.start(), later.start());
    let mut parents: Parents = HashMap::new();
    parents.insert(start.clone(), None);
    let mut queue = VecDeque::from([start]);
    let mut relation = Relation {
        common: None,
        only_later: None,
        earlier_wider: false,
    };
    while let Some(node) = queue.pop_front() {
        let in_earlier = node.0.contains(earlier.accept);
        let in_later = node.1.contains(later.accept);
        if in_earlier && in_later && relation.common.is_none() {
            relation.common = Some(witness(&parents, node.clone()));
        }
        if in_later && !in_earlier && relation.only_later.is_none() {
            relation.only_later = Some(witness(&parents, node.clone()));
        }
        if in_earlier && !in_later {
            relation.earlier_wider = true;
        }
        if relation.common.is_some() && relation.only_later.is_some() && relation.earlier_wider {
            break;
        }
        for &c in &alphabet {
            let next = (earlier.advance(&node.0, c), later.advance(&node.1, c));
            let alive = !next.0.is_empty() || !next.1.is_empty();
            if alive && !parents.contains_key(&next) {
                parents.insert(next.clone(), Some((node.clone(), c)));
                queue.push_back(next);
            }
        }
    }
    relation
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use crate::source::Span;

    fn nfa(template: &str) -> Nfa {
        let pieces =
            crate::path_template::parse(template, |_, _| Span::default(), &mut Diagnostics::default())
                .expect("valid template");
        Nfa::of(&pieces)
    }

    fn relation(earlier: &str, later: &str) -> Relation {
        compare(&nfa(earlier), &nfa(later))
    }

    #[test]
    fn a_general_route_before_a_specific_one_catches_it() {
        let r = relation("/users/{user_id}", "/users/me");
        assert_eq!(r.common.as_deref(), Some("/users/me"));
        assert_eq!(r.only_later, None);
        assert!(r.earlier_wider);
    }

    #[test]
    fn a_specific_route_before_a_general_one_is_fine() {
        let r = relation("/users/me", "/users/{user_id}");
        assert_eq!(r.common.as_deref(), Some("/users/me"));
        assert!(r.only_later.is_some());
        assert!(!r.earlier_wider);
    }

    #[test]
    fn convertors_that_cannot_overlap_are_disjoint() {
        let r = relation("/items/{id:int}", "/items/{id:uuid}");
        // Digits only can still be a dashless UUID of 32 digits.
        assert_eq!(
            r.common.as_deref(),
            Some("/items/11111111111111111111111111111111")
        );
        let r = relation("/items/{id:int}", "/items/new");
        assert_eq!(r.common, None);
        // "1.json" is not a float: the `.` must be followed by digits.
        let r = relation("/a/{x:float}", "/a/{y:int}.json");
        assert_eq!(r.common, None);
        let r = relation("/a/{x:float}", "/a/{y:int}.5");
        assert_eq!(r.common.as_deref(), Some("/a/1.5"));
    }

    #[test]
    fn overlapping_templates_that_neither_contains() {
        let r = relation("/a/{x}/c", "/a/b/{y}");
        assert_eq!(r.common.as_deref(), Some("/a/b/c"));
        assert!(r.only_later.is_some());
        assert!(r.earlier_wider);
    }

    #[test]
    fn path_convertor_catches_deeper_paths() {
        let r = relation("/files/{rest:path}", "/files/{name}/raw");
        assert_eq!(r.only_later, None);
        let r = relation("/files/{name}", "/files/{rest:path}");
        assert!(r.only_later.is_some());
    }
}
