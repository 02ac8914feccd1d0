//! The Python parser, behind one module.
//!
//! Only this module names `ruff_python_parser`. The rest of the compiler
//! sees the syntax tree (`ruff_python_ast`) through the `py` alias and
//! spans through [`span_of`], so swapping the parser means rewriting this
//! module and the tree walk in `lower`, nothing else.

mod compile_rules;

pub use ruff_python_ast as py;
use ruff_python_parser::{Mode, ParseErrorType, ParseOptions};
pub use ruff_text_size::Ranged;
use ruff_text_size::TextRange;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Files, SourceFile, Span};

/// The Python whose grammar turbo parses: the newest CPython released.
/// Which interpreter serves the app is the deployment's choice, and an app
/// written for 3.12 to 3.14 (PEP 695 type parameters and `type` aliases,
/// PEP 701 f-strings, PEP 758 `except A, B:`) must pass `turbo check`, so
/// newer syntax is accepted without asking which Python will run it. The
/// parser's version errors against this version are still reported: they
/// are syntax no released CPython accepts (3.15's `lazy import`, or what
/// 3.8 removed).
const PYTHON: py::PythonVersion = py::PythonVersion::PY314;

/// Parses a module. Python's grammar stops at the first error, and so does
/// turbo: the first error is returned as a located diagnostic.
///
/// Invalid assignment and `del` targets (`f() = 1`) are the exception: the
/// parser reports them but builds the whole tree, and CPython reports them
/// all, so they are left to [`compile_errors`], which reports every one in
/// CPython's words.
pub fn parse_module(file: &SourceFile) -> Result<Vec<py::Stmt>, Diagnostic> {
    let options = ParseOptions::from(Mode::Module).with_target_version(PYTHON);
    let parsed = ruff_python_parser::parse_unchecked(&file.text, options)
        .try_into_module()
        .expect("module mode parses a module");
    let syntax = parsed
        .errors()
        .iter()
        .filter(|error| !is_target_error(&error.error))
        .map(|error| (error.location, &error.error as &dyn std::fmt::Display));
    let version = parsed
        .unsupported_syntax_errors()
        .iter()
        .map(|error| (error.range, error as &dyn std::fmt::Display));
    match syntax.chain(version).min_by_key(|(range, _)| range.start()) {
        Some((range, message)) => Err(syntax_error(file, range, message.to_string())),
        None => Ok(parsed.into_suite().into_iter().collect()),
    }
}

/// A target CPython's compiler refuses ([`compile_rules`] reports it).
fn is_target_error(error: &ParseErrorType) -> bool {
    matches!(
        error,
        ParseErrorType::InvalidAssignmentTarget
            | ParseErrorType::InvalidAugmentedAssignmentTarget
            | ParseErrorType::InvalidDeleteTarget
    )
}

/// The diagnostic for a parser error at `range`.
fn syntax_error(file: &SourceFile, range: TextRange, message: String) -> Diagnostic {
    let text = file.text.trim_end();
    let start = (u32::from(range.start()) as usize).min(file.text.len());
    if start >= text.len() {
        // An error at the end of input (an unclosed bracket or block) is
        // best shown on the last character of the file.
        let last = text.char_indices().last().map_or(0, |(i, _)| i);
        return Diagnostic::new(
            Code::SyntaxError,
            file.span(last, text.len()),
            "unexpected end of file",
        )
        .label("the file ends here, inside an unclosed bracket, string or block")
        .help("close every `(`, `[`, `{` and string before the end of the file");
    }
    Diagnostic::new(Code::SyntaxError, error_span(file, start, range), message)
        .label("Python cannot parse this")
        .help("fix the syntax error; turbo reads the file as Python 3 does")
}

/// The parser's range, kept to its first line (an unclosed string runs to
/// the end of the file) and to character boundaries; at least a character.
fn error_span(file: &SourceFile, start: usize, range: TextRange) -> Span {
    let text = &file.text;
    let mut start = start;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let line_end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |at| start + at);
    let mut end = (u32::from(range.end()) as usize).clamp(start, line_end);
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end == start {
        end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
    }
    file.span(start, end)
}

/// Adds a module's bytes to `files` as text. Text that is not UTF-8 is
/// added lossily and reported (TB002); the flag says whether it was valid.
pub fn decode(files: &mut Files, name: String, bytes: &[u8], diags: &mut Diagnostics) -> (FileId, bool) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (files.add(name, text), true),
        Err(error) => {
            let id = files.add(name, String::from_utf8_lossy(bytes).into_owned());
            let file = files.get(id);
            let offset = String::from_utf8_lossy(&bytes[..error.valid_up_to()]).len();
            let end = file.text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            diags.push(
                Diagnostic::new(
                    Code::InvalidUtf8,
                    file.span(offset, end),
                    "the file is not valid UTF-8",
                )
                .label("invalid byte sequence")
                .help("save the file as UTF-8, as Python 3 expects"),
            );
            (id, false)
        }
    }
}

/// The branches of an `if` statement in order: each `if`/`elif` test with
/// its body, then the `else` body (without a test).
pub fn if_branches(stmt: &py::StmtIf) -> impl Iterator<Item = (Option<&py::Expr>, &[py::Stmt])> {
    std::iter::once((Some(&*stmt.test), stmt.body.as_slice())).chain(
        stmt.elif_else_clauses
            .iter()
            .map(|clause| (clause.test.as_ref(), clause.body.as_slice())),
    )
}

/// Calls `visit` on each block of statements directly inside `stmt`: the
/// bodies of functions, classes, loops, `if` (each branch), `with`, `try`
/// and `match`.
pub fn for_each_child_block<'a>(stmt: &'a py::Stmt, visit: &mut impl FnMut(&'a [py::Stmt])) {
    match stmt {
        py::Stmt::FunctionDef(s) => visit(&s.body),
        py::Stmt::ClassDef(s) => visit(&s.body),
        py::Stmt::For(s) => {
            visit(&s.body);
            visit(&s.orelse);
        }
        py::Stmt::While(s) => {
            visit(&s.body);
            visit(&s.orelse);
        }
        py::Stmt::If(s) => {
            for (_, body) in if_branches(s) {
                visit(body);
            }
        }
        py::Stmt::With(s) => visit(&s.body),
        py::Stmt::Try(s) => {
            visit(&s.body);
            for handler in &s.handlers {
                let py::ExceptHandler::ExceptHandler(h) = handler;
                visit(&h.body);
            }
            visit(&s.orelse);
            visit(&s.finalbody);
        }
        py::Stmt::Match(s) => {
            for case in &s.cases {
                visit(&case.body);
            }
        }
        _ => {}
    }
}

/// Syntax errors Python's compiler reports after parsing (`return` outside
/// a function and the like), in source order.
pub fn compile_errors(file: FileId, stmts: &[py::Stmt]) -> Vec<Diagnostic> {
    compile_rules::check(file, stmts)
}

/// The decimal digits of an integer literal (`0x10` is `16`). The tree
/// keeps the source text of a literal too large for 64 bits.
pub fn int_digits(int: &py::Int) -> String {
    if let Some(small) = int.as_u64() {
        return small.to_string();
    }
    let token = int.to_string().replace('_', "").to_ascii_lowercase();
    let (radix, digits) = match token.get(..2) {
        Some("0x") => (16, &token[2..]),
        Some("0o") => (8, &token[2..]),
        Some("0b") => (2, &token[2..]),
        _ => return token,
    };
    // Base 10^9 limbs, least significant first.
    let mut limbs: Vec<u64> = vec![0];
    for digit in digits.chars().filter_map(|c| c.to_digit(radix)) {
        let mut carry = u64::from(digit);
        for limb in &mut limbs {
            let value = *limb * u64::from(radix) + carry;
            *limb = value % 1_000_000_000;
            carry = value / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    let mut decimal = limbs.pop().unwrap_or(0).to_string();
    for limb in limbs.iter().rev() {
        decimal.push_str(&format!("{limb:09}"));
    }
    decimal
}

pub fn span(file: FileId, range: TextRange) -> Span {
    Span::new(
        file,
        u32::from(range.start()) as usize,
        u32::from(range.end()) as usize,
    )
}

/// The span of any node of `file`'s tree.
pub fn span_of(file: FileId, node: &impl Ranged) -> Span {
    span(file, node.range())
}

/// Whether `def` is a generator function: a `yield` in its own body (not
/// in a nested function, lambda or class).
pub fn is_generator(def: &py::StmtFunctionDef) -> bool {
    use py::visitor::{self, Visitor};

    struct FindYield(bool);
    impl<'a> Visitor<'a> for FindYield {
        fn visit_stmt(&mut self, stmt: &'a py::Stmt) {
            if !matches!(stmt, py::Stmt::FunctionDef(_) | py::Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a py::Expr) {
            match expr {
                py::Expr::Yield(_) | py::Expr::YieldFrom(_) => self.0 = true,
                py::Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = FindYield(false);
    finder.visit_body(&def.body);
    finder.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(text: &str) -> (SourceFile, Result<Vec<py::Stmt>, Diagnostic>) {
        let file = SourceFile::new(FileId(0), "test.py", text);
        let parsed = parse_module(&file);
        (file, parsed)
    }

    /// Every invalid target the parser finds is one `compile_errors`
    /// reports, or `parse_module` would accept a module Python refuses.
    #[test]
    fn invalid_targets_are_all_reported_after_parsing() {
        let text = "f() = 1\nx, 1 = y\n[*a, b()] = c\na = f() = 2\nfor g() in y: pass\n\
                    with a as h(), b as (c, 1): pass\n[x for 1 in y]\n{k: v for k, f() in y}\n\
                    del a, b()\ndel [*c]\nf() += 1\n(a, b) += 1\n\
                    async def f():\n    async for k() in y: pass\n    async with a as b(): pass\n";
        let (file, parsed) = module(text);
        let stmts = parsed.expect("only invalid targets");
        let options = ParseOptions::from(Mode::Module).with_target_version(PYTHON);
        let mut expected: Vec<usize> = ruff_python_parser::parse_unchecked(text, options)
            .errors()
            .iter()
            .map(|error| {
                assert!(is_target_error(&error.error), "{error}");
                error.location.start().to_usize()
            })
            .collect();
        let mut found: Vec<usize> = compile_errors(file.id, &stmts)
            .iter()
            .map(|diagnostic| diagnostic.primary.span.start as usize)
            .collect();
        expected.sort_unstable();
        found.sort_unstable();
        assert_eq!(found, expected);
        assert_eq!(found.len(), 15);
    }

    /// Past an invalid target, a real syntax error stops the module, as in
    /// Python.
    #[test]
    fn a_syntax_error_after_an_invalid_target_is_reported() {
        let (_, parsed) = module("f() = 1\ndef g(:\n    pass\n");
        let error = parsed.expect_err("a syntax error");
        assert_eq!(error.code, Code::SyntaxError);
        assert_eq!(error.primary.span.start, 14);
    }

    #[test]
    fn newer_syntax_is_accepted() {
        for text in [
            "def f[T](x: T) -> T: return x\nclass C[T]: pass\ntype A[T = int] = list[T]\n",
            "x = f\"{'a' + \"b\"}\"\ny = f\"{\n    x\n}\"\n",
            "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
            "t = t\"{x}\"\n",
        ] {
            let (_, parsed) = module(text);
            assert!(parsed.is_ok(), "{text}");
        }
        let (_, parsed) = module("lazy import json\n");
        assert!(parsed.is_err(), "syntax of a CPython not released");
    }

    #[test]
    fn integers_are_decimal() {
        let value = |text: &str| {
            let (_, parsed) = module(&format!("x = {text}\n"));
            let stmts = parsed.unwrap();
            let py::Stmt::Assign(assign) = &stmts[0] else {
                panic!()
            };
            let py::Expr::NumberLiteral(number) = &*assign.value else {
                panic!()
            };
            let py::Number::Int(int) = &number.value else {
                panic!()
            };
            int_digits(int)
        };
        assert_eq!(value("0x10"), "16");
        assert_eq!(value("1_000"), "1000");
        assert_eq!(value("18446744073709551615"), "18446744073709551615");
        assert_eq!(
            value("123_456_789_012_345_678_901_234"),
            "123456789012345678901234"
        );
        assert_eq!(value("0x1_0000_0000_0000_0000"), "18446744073709551616");
        assert_eq!(value("0o2000000000000000000000"), "18446744073709551616");
        assert_eq!(value("0B1"), "1");
    }
}
