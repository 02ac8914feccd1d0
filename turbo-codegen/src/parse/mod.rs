//! The Python parser, behind one module.
//!
//! Only this file names `rustpython_parser`. The rest of the compiler sees
//! the syntax tree through the `py` alias and spans through [`span_of`], so
//! swapping the parser means rewriting this file and the tree walk in
//! `lower`, nothing else.

mod compile_rules;

pub use rustpython_parser::ast as py;
use rustpython_parser::ast::Ranged;
use rustpython_parser::lexer::LexicalErrorType;
use rustpython_parser::text_size::TextRange;
use rustpython_parser::{Parse, ParseErrorType};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Files, SourceFile, Span};

/// Parses a module. Python's grammar stops at the first error, and so does
/// the parser: the error is returned as a located diagnostic.
pub fn parse_module(file: &SourceFile) -> Result<Vec<py::Stmt>, Diagnostic> {
    py::Suite::parse(&file.text, &file.name).map_err(|error| {
        if matches!(
            error.error,
            ParseErrorType::Eof | ParseErrorType::Lexical(LexicalErrorType::Eof)
        ) {
            // The parser reports no useful offset at the end of input:
            // point at the last character of the file instead.
            let text = file.text.trim_end();
            let start = text.char_indices().last().map_or(0, |(i, _)| i);
            return Diagnostic::new(
                Code::SyntaxError,
                file.span(start, text.len()),
                "unexpected end of file",
            )
            .label("the file ends here, inside an unclosed bracket, string or block")
            .help("close every `(`, `[`, `{` and string before the end of the file");
        }
        // The parser's offset can fall inside a multi-byte character (found
        // by fuzzing): step back to the character's start.
        let mut offset = (u32::from(error.offset) as usize).min(file.text.len());
        while !file.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let end = file.text[offset..]
            .chars()
            .next()
            .map_or(offset, |c| offset + c.len_utf8());
        Diagnostic::new(Code::SyntaxError, file.span(offset, end), error.error.to_string())
            .label("Python cannot parse this")
            .help("fix the syntax error; turbo reads the file as Python 3 does")
    })
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

/// Calls `visit` on each block of statements directly inside `stmt`: the
/// bodies of functions, classes, loops, `if`, `with`, `try` and `match`.
pub fn for_each_child_block<'a>(stmt: &'a py::Stmt, visit: &mut impl FnMut(&'a [py::Stmt])) {
    match stmt {
        py::Stmt::FunctionDef(s) => visit(&s.body),
        py::Stmt::AsyncFunctionDef(s) => visit(&s.body),
        py::Stmt::ClassDef(s) => visit(&s.body),
        py::Stmt::For(s) => {
            visit(&s.body);
            visit(&s.orelse);
        }
        py::Stmt::AsyncFor(s) => {
            visit(&s.body);
            visit(&s.orelse);
        }
        py::Stmt::While(s) => {
            visit(&s.body);
            visit(&s.orelse);
        }
        py::Stmt::If(s) => {
            visit(&s.body);
            visit(&s.orelse);
        }
        py::Stmt::With(s) => visit(&s.body),
        py::Stmt::AsyncWith(s) => visit(&s.body),
        py::Stmt::Try(s) => {
            visit(&s.body);
            for handler in &s.handlers {
                let py::ExceptHandler::ExceptHandler(h) = handler;
                visit(&h.body);
            }
            visit(&s.orelse);
            visit(&s.finalbody);
        }
        py::Stmt::TryStar(s) => {
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
pub fn compile_errors(file: FileId, stmts: Vec<py::Stmt>) -> Vec<Diagnostic> {
    compile_rules::check(file, stmts)
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
