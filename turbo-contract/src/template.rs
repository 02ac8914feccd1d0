//! Starlette's path-template matching, shared by compiler and runtime.
//!
//! turbo-runtime matches requests with it and turbo-codegen resolves route
//! precedence with it at build time, so the two can never disagree about
//! which template matches which path.

/// Most parameters one path template may have (the compiler enforces it).
pub const MAX_CAPTURES: usize = 16;

/// Byte ranges of the path parameters of the matched route, in template order.
#[derive(Clone, Debug, Default)]
pub struct Captures {
    spans: [(u32, u32); MAX_CAPTURES],
    len: usize,
}

impl Captures {
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Records the next parameter; `false` if the template has too many.
    pub fn push(&mut self, start: usize, end: usize) -> bool {
        if self.len == MAX_CAPTURES {
            return false;
        }
        self.spans[self.len] = (start as u32, end as u32);
        self.len += 1;
        true
    }

    pub fn truncate(&mut self, len: usize) {
        self.len = len;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `index`th parameter's text within `path` (the path that matched).
    pub fn get<'p>(&self, path: &'p str, index: usize) -> &'p str {
        let (start, end) = self.spans[index];
        &path[start as usize..end as usize]
    }
}

/// A Starlette path convertor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convertor {
    /// `{name}` or `{name:str}`: `[^/]+`
    Str,
    /// `{name:path}`: `.*`
    Path,
    /// `{name:int}`: `[0-9]+`
    Int,
    /// `{name:float}`: `[0-9]+(\.[0-9]+)?`
    Float,
    /// `{name:uuid}`: hex digits (either case) in 8-4-4-4-12 groups, each
    /// dash optional
    Uuid,
}

impl Convertor {
    /// The name written after the colon in a template.
    pub fn name(self) -> &'static str {
        match self {
            Convertor::Str => "str",
            Convertor::Path => "path",
            Convertor::Int => "int",
            Convertor::Float => "float",
            Convertor::Uuid => "uuid",
        }
    }

    /// Whether the whole of `text` matches the convertor's regex.
    pub fn accepts(self, text: &str) -> bool {
        let b = text.as_bytes();
        match self {
            Convertor::Str => !b.is_empty() && !b.contains(&b'/'),
            Convertor::Path => true,
            Convertor::Int => !b.is_empty() && b.iter().all(u8::is_ascii_digit),
            Convertor::Float => match text.split_once('.') {
                Some((int, frac)) => Convertor::Int.accepts(int) && Convertor::Int.accepts(frac),
                None => Convertor::Int.accepts(text),
            },
            Convertor::Uuid => uuid_prefix_len(b) == Some(b.len()),
        }
    }

    /// End offsets (relative to `text`'s start) at which this convertor's
    /// regex can stop, in the order Python's backtracking tries them.
    fn candidate_ends(self, text: &str) -> Vec<usize> {
        let b = text.as_bytes();
        match self {
            Convertor::Str => {
                let run = b.iter().position(|c| *c == b'/').unwrap_or(b.len());
                (1..=run)
                    .rev()
                    .filter(|end| text.is_char_boundary(*end))
                    .collect()
            }
            Convertor::Path => (0..=b.len())
                .rev()
                .filter(|end| text.is_char_boundary(*end))
                .collect(),
            Convertor::Int => {
                let run = b.iter().take_while(|c| c.is_ascii_digit()).count();
                (1..=run).rev().collect()
            }
            Convertor::Float => {
                let run = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let mut ends = Vec::new();
                if run > 0 && b.get(run) == Some(&b'.') {
                    let frac = b[run + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    ends.extend((1..=frac).rev().map(|f| run + 1 + f));
                }
                ends.extend((1..=run).rev());
                ends
            }
            // Each `-?` matches exactly when a dash is there, so there is one end.
            Convertor::Uuid => uuid_prefix_len(b).into_iter().collect(),
        }
    }
}

/// Length of the match of Starlette's UUID regex at the start of `b`:
/// `[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}`.
fn uuid_prefix_len(b: &[u8]) -> Option<usize> {
    let mut at = 0;
    for (index, group) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if index > 0 && b.get(at) == Some(&b'-') {
            at += 1;
        }
        let digits = b.get(at..at + group)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        at += group;
    }
    Some(at)
}

/// How one route's template is matched against a path: data the compiler
/// emits per route (a table, so the generated crate holds no code per
/// route and rustc's work stays linear in the number of routes).
#[derive(Clone, Copy, Debug)]
pub enum Matcher<'a> {
    /// A static path: equal or not.
    Exact(&'a str),
    /// Every parameter fills a whole segment and none is `:path`
    /// (`/items/{id:int}`): one piece per segment after the leading `/`,
    /// compared segment by segment.
    Segments(&'a [Piece<'a>]),
    /// Anything else (`{a}-{b}`, `{p:path}` followed by more text), with
    /// the regex semantics of [`match_pieces`].
    Pieces(&'a [Piece<'a>]),
}

impl Matcher<'_> {
    /// Whether the template matches `path`, recording its parameters.
    pub fn matches(&self, path: &str, captures: &mut Captures) -> bool {
        match self {
            Matcher::Exact(text) => path == *text,
            Matcher::Segments(pieces) => {
                let mut segments = segments(path);
                for piece in pieces.iter() {
                    let matched = match (piece, segments.next()) {
                        (Piece::Literal(literal), Some((_, text))) => *literal == text,
                        (Piece::Param(convertor), Some((start, text))) => {
                            convertor.accepts(text) && captures.push(start, start + text.len())
                        }
                        (_, None) => false,
                    };
                    if !matched {
                        return false;
                    }
                }
                segments.next().is_none()
            }
            Matcher::Pieces(pieces) => match_pieces(pieces, path, captures),
        }
    }
}

/// Splits `path` (which starts with '/') into segments after the leading
/// slash, each with its byte offset.
pub fn segments(path: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 1;
    path[1.min(path.len())..].split('/').map(move |segment| {
        let start = offset;
        offset += segment.len() + 1;
        (start, segment)
    })
}

/// One piece of a path template for [`match_pieces`].
#[derive(Clone, Copy, Debug)]
pub enum Piece<'a> {
    Literal(&'a str),
    Param(Convertor),
}

/// Matches a template given as pieces with regex (greedy, backtracking)
/// semantics (what [`Matcher::Pieces`] runs).
pub fn match_pieces(pieces: &[Piece<'_>], path: &str, captures: &mut Captures) -> bool {
    match_from(pieces, path, 0, captures)
}

fn match_from(pieces: &[Piece<'_>], path: &str, at: usize, captures: &mut Captures) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return at == path.len();
    };
    match first {
        Piece::Literal(literal) => {
            path[at..].starts_with(literal) && match_from(rest, path, at + literal.len(), captures)
        }
        Piece::Param(convertor) => {
            let saved = captures.len();
            for end in convertor.candidate_ends(&path[at..]) {
                captures.truncate(saved);
                if captures.push(at, at + end) && match_from(rest, path, at + end, captures) {
                    return true;
                }
            }
            captures.truncate(saved);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured(pieces: &[Piece], path: &str) -> Option<Vec<String>> {
        let mut caps = Captures::default();
        match_pieces(pieces, path, &mut caps)
            .then(|| (0..caps.len()).map(|i| caps.get(path, i).to_owned()).collect())
    }

    #[test]
    fn greedy_backtracking_like_python_regex() {
        use Piece::*;
        let two = [
            Literal("/"),
            Param(Convertor::Str),
            Literal("-"),
            Param(Convertor::Str),
        ];
        assert_eq!(captured(&two, "/a-b-c"), Some(vec!["a-b".into(), "c".into()]));
        assert_eq!(captured(&two, "/abc"), None);
        let json = [Literal("/items/"), Param(Convertor::Str), Literal(".json")];
        assert_eq!(captured(&json, "/items/x.y.json"), Some(vec!["x.y".into()]));
        let path = [Literal("/files/"), Param(Convertor::Path), Literal("/raw")];
        assert_eq!(captured(&path, "/files/a/b/raw"), Some(vec!["a/b".into()]));
        assert_eq!(captured(&path, "/files//raw"), Some(vec!["".into()]));
        let float = [Literal("/f/"), Param(Convertor::Float), Literal("x")];
        assert_eq!(captured(&float, "/f/1.5x"), Some(vec!["1.5".into()]));
        assert_eq!(captured(&float, "/f/1.x"), None);
        let float_dot = [Literal("/f/"), Param(Convertor::Float), Literal(".5")];
        assert_eq!(captured(&float_dot, "/f/1.5"), Some(vec!["1".into()]));
    }

    #[test]
    fn convertors_accept_their_regex_only() {
        assert!(Convertor::Int.accepts("0012"));
        assert!(!Convertor::Int.accepts("-1"));
        assert!(!Convertor::Int.accepts(""));
        assert!(Convertor::Float.accepts("1.25"));
        assert!(!Convertor::Float.accepts("1."));
        assert!(!Convertor::Float.accepts(".5"));
        assert!(Convertor::Uuid.accepts("123e4567-e89b-12d3-a456-426614174000"));
        assert!(Convertor::Uuid.accepts("123E4567-E89B-12D3-A456-426614174000"));
        assert!(Convertor::Uuid.accepts("123e4567e89b12d3a456426614174000"));
        assert!(!Convertor::Uuid.accepts("123e4567-e89b-12d3-a456-42661417400"));
        assert!(!Convertor::Uuid.accepts("123e4567--e89b-12d3-a456-426614174000"));
    }

    /// The segment matcher must agree with the regex-semantics matcher on
    /// every template it is used for: same verdict, same captures.
    #[test]
    fn segment_matcher_agrees_with_pieces() {
        use Piece::*;
        let cases: [(&[Piece], &[Piece]); 3] = [
            (
                &[Literal("/items/"), Param(Convertor::Int)],
                &[Literal("items"), Param(Convertor::Int)],
            ),
            (
                &[
                    Literal("/"),
                    Param(Convertor::Str),
                    Literal("/x/"),
                    Param(Convertor::Float),
                ],
                &[Param(Convertor::Str), Literal("x"), Param(Convertor::Float)],
            ),
            (&[Literal("/a/b/")], &[Literal("a"), Literal("b"), Literal("")]),
        ];
        let paths = [
            "/items/12",
            "/items/",
            "/items/1x",
            "/items/12/",
            "/q/x/1.5",
            "/q/x/1.",
            "//x/2",
            "/q/x/2/",
            "/a/b/",
            "/a/b",
            "/a/b//",
            "/",
            "",
        ];
        for (pieces, segments) in cases {
            for path in paths {
                let mut caps = Captures::default();
                let by_segments = Matcher::Segments(segments).matches(path, &mut caps).then(|| {
                    (0..caps.len())
                        .map(|i| caps.get(path, i).to_owned())
                        .collect::<Vec<_>>()
                });
                assert_eq!(by_segments, captured(pieces, path), "{pieces:?} on {path:?}");
            }
        }
        assert!(Matcher::Exact("/x").matches("/x", &mut Captures::default()));
        assert!(!Matcher::Exact("/x").matches("/x/", &mut Captures::default()));
    }
}
