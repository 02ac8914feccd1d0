//! A segment trie over the templated routes: the candidates for a path in
//! time that depends on the path's length, not on the number of routes.
//!
//! The compiler builds it ([`TrieBuilder`]) and writes it out as static
//! tables; the server walks them ([`Trie::candidates`]). The trie only
//! narrows the routes to try: every single-segment parameter shares one
//! edge whatever its convertor, and templates whose parameters do not fill
//! whole segments (`/{a}-{b}`, `{p:path}` before more text) are always
//! candidates. The router then runs each candidate's own matcher and keeps
//! the first in declaration order, so Starlette's first-match precedence,
//! convertors and backtracking hold exactly as before.

use crate::fnv1a;
use crate::template::{Convertor, Piece};

/// One node: the routes that end here, and the ways on.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    /// Literal segments with the node each leads to, sorted by the
    /// segment's [`fnv1a`] hash: a lookup compares integers, then one
    /// string.
    pub literals: &'a [(u64, &'a str, u32)],
    /// The node a single-segment parameter (`{x}`, `{x:int}`, ...) leads to.
    pub param: Option<u32>,
    /// Routes whose template ends at this node.
    pub routes: &'a [u16],
    /// Routes whose template ends with `/{p:path}` after this node: they
    /// match any remaining path of at least one (possibly empty) segment.
    pub rest: &'a [u16],
}

/// The trie: node 0 is the root (before the first segment).
#[derive(Debug, Clone, Copy)]
pub struct Trie<'a> {
    pub nodes: &'a [Node<'a>],
    /// Templates the trie cannot index: candidates for every path.
    pub always: &'a [u16],
}

impl Trie<'_> {
    /// Calls `visit` with every route whose template may match `path`
    /// (which starts with `/`), each once, in no particular order.
    pub fn candidates(&self, path: &str, mut visit: impl FnMut(u16)) {
        for &route in self.always {
            visit(route);
        }
        if self.nodes.is_empty() {
            return;
        }
        let rest = path.strip_prefix('/').unwrap_or(path);
        self.walk(0, rest, &mut visit);
    }

    fn walk(&self, node: u32, rest: &str, visit: &mut impl FnMut(u16)) {
        let node = &self.nodes[node as usize];
        // `rest` is what follows the slash after the last segment.
        for &route in node.rest {
            visit(route);
        }
        let (segment, after) = match rest.split_once('/') {
            Some((segment, after)) => (segment, Some(after)),
            None => (rest, None),
        };
        let mut descend = |child: u32| match after {
            Some(after) => self.walk(child, after, visit),
            None => {
                for &route in self.nodes[child as usize].routes {
                    visit(route);
                }
            }
        };
        if !node.literals.is_empty() {
            let hash = fnv1a(segment.as_bytes());
            let start = node.literals.partition_point(|(h, _, _)| *h < hash);
            for (h, text, child) in &node.literals[start..] {
                if *h != hash {
                    break;
                }
                if *text == segment {
                    descend(*child);
                    break;
                }
            }
        }
        // `[^/]+`: a parameter never matches an empty segment.
        if let (Some(child), false) = (node.param, segment.is_empty()) {
            descend(child);
        }
    }
}

/// One segment of an indexable template.
#[derive(Debug, PartialEq)]
enum Step {
    Literal(String),
    Param,
}

/// Stands for a parameter while the template is split into segments (a
/// path template never contains NUL: the compiler rejects it).
const PARAM_MARK: char = '\u{0}';

/// The template as whole segments, and whether it ends in `/{p:path}`;
/// `None` when a parameter shares a segment with text or another
/// parameter, or `:path` is not the whole last segment.
fn steps(pieces: &[Piece<'_>]) -> Option<(Vec<Step>, bool)> {
    let mut text = String::new();
    let mut convertors = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Literal(literal) if literal.contains(PARAM_MARK) => return None,
            Piece::Literal(literal) => text.push_str(literal),
            Piece::Param(convertor) => {
                text.push(PARAM_MARK);
                convertors.push(*convertor);
            }
        }
    }
    let segments: Vec<&str> = text.strip_prefix('/')?.split('/').collect();
    let mut convertors = convertors.into_iter();
    let mut steps = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        if segment.len() == PARAM_MARK.len_utf8() && segment.starts_with(PARAM_MARK) {
            if convertors.next()? == Convertor::Path {
                // Only as the whole last segment.
                return (index + 1 == segments.len()).then_some((steps, true));
            }
            steps.push(Step::Param);
        } else if segment.contains(PARAM_MARK) {
            return None;
        } else {
            steps.push(Step::Literal((*segment).to_owned()));
        }
    }
    Some((steps, false))
}

/// A node as the builder grows it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct OwnedNode {
    /// (hash, segment, child), sorted once [`TrieBuilder::finish`] ran.
    pub literals: Vec<(u64, String, u32)>,
    pub param: Option<u32>,
    pub routes: Vec<u16>,
    pub rest: Vec<u16>,
}

/// Builds the trie of a route table at compile time.
#[derive(Debug, Default)]
pub struct TrieBuilder {
    pub nodes: Vec<OwnedNode>,
    pub always: Vec<u16>,
}

impl TrieBuilder {
    /// Adds route `route` with the template `pieces`.
    pub fn add(&mut self, route: u16, pieces: &[Piece<'_>]) {
        if self.nodes.is_empty() {
            self.nodes.push(OwnedNode::default());
        }
        let Some((steps, ends_with_path)) = steps(pieces) else {
            self.always.push(route);
            return;
        };
        let mut node = 0usize;
        for step in steps {
            let next = match &step {
                Step::Literal(text) => self.nodes[node]
                    .literals
                    .iter()
                    .find(|(_, t, _)| t == text)
                    .map(|(_, _, child)| *child),
                Step::Param => self.nodes[node].param,
            };
            node = match next {
                Some(child) => child as usize,
                None => {
                    let child = self.nodes.len();
                    self.nodes.push(OwnedNode::default());
                    match step {
                        Step::Literal(text) => {
                            let hash = fnv1a(text.as_bytes());
                            self.nodes[node].literals.push((hash, text, child as u32))
                        }
                        Step::Param => self.nodes[node].param = Some(child as u32),
                    }
                    child
                }
            };
        }
        if ends_with_path {
            self.nodes[node].rest.push(route);
        } else {
            self.nodes[node].routes.push(route);
        }
    }

    /// Sorts every node's literals by hash (then text) for the search.
    pub fn finish(mut self) -> TrieBuilder {
        for node in &mut self.nodes {
            node.literals.sort();
        }
        self
    }

    /// Calls `f` with the trie as the server walks it, borrowed from this
    /// builder (tests and benchmarks; the emitter writes static tables).
    pub fn with_trie<R>(&self, f: impl FnOnce(Trie<'_>) -> R) -> R {
        let literals: Vec<Vec<(u64, &str, u32)>> = self
            .nodes
            .iter()
            .map(|node| {
                node.literals
                    .iter()
                    .map(|(hash, text, child)| (*hash, text.as_str(), *child))
                    .collect()
            })
            .collect();
        let nodes: Vec<Node<'_>> = self
            .nodes
            .iter()
            .zip(&literals)
            .map(|(node, literals)| Node {
                literals,
                param: node.param,
                routes: &node.routes,
                rest: &node.rest,
            })
            .collect();
        f(Trie {
            nodes: &nodes,
            always: &self.always,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{match_pieces, Captures};

    /// The trie never misses a route whose template matches: checked
    /// against the matcher itself on templates of every shape.
    #[test]
    fn candidates_include_every_matching_template() {
        use Piece::*;
        let templates: Vec<Vec<Piece<'static>>> = vec![
            vec![Literal("/")],
            vec![Literal("/items/"), Param(Convertor::Int)],
            vec![Literal("/items/"), Param(Convertor::Str), Literal("/detail")],
            vec![Literal("/items/me")],
            vec![Literal("/files/"), Param(Convertor::Path)],
            vec![Literal("/"), Param(Convertor::Path)],
            vec![
                Literal("/"),
                Param(Convertor::Str),
                Literal("-"),
                Param(Convertor::Str),
            ],
            vec![Literal("/a/"), Param(Convertor::Path), Literal("/end")],
            vec![Literal("/items/")],
            vec![Literal("/u/"), Param(Convertor::Uuid), Literal("/")],
        ];
        let mut builder = TrieBuilder::default();
        for (index, pieces) in templates.iter().enumerate() {
            builder.add(index as u16, pieces);
        }
        let builder = builder.finish();
        assert_eq!(builder.always, vec![6, 7]);
        builder.with_trie(|trie| {
            let paths = [
                "/",
                "/items/1",
                "/items/x",
                "/items/1/detail",
                "/items/me",
                "/items/",
                "/items",
                "/files/",
                "/files",
                "/files/a/b",
                "/x-y",
                "/a/b/c/end",
                "/u/0123456789abcdef0123456789abcdef/",
                "//",
                "/items//detail",
            ];
            for path in paths {
                let mut found = Vec::new();
                trie.candidates(path, |route| found.push(route));
                for (index, pieces) in templates.iter().enumerate() {
                    if match_pieces(pieces, path, &mut Captures::default()) {
                        assert!(
                            found.contains(&(index as u16)),
                            "{path}: template {index} missing from {found:?}"
                        );
                    }
                }
                let mut unique = found.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), found.len(), "{path}: a candidate twice");
            }
            // And narrows: a literal path does not drag in unrelated templates.
            let mut found = Vec::new();
            trie.candidates("/items/1/detail", |route| found.push(route));
            found.sort();
            assert_eq!(found, vec![2, 5, 6, 7]);
        });
    }
}
