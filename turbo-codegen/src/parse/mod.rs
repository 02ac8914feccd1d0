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

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

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
                Span::new(start, text.len()),
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
        Diagnostic::new(Code::SyntaxError, Span::new(offset, end), error.error.to_string())
            .label("Python cannot parse this")
            .help("fix the syntax error; turbo reads the file as Python 3 does")
    })
}

/// Syntax errors Python's compiler reports after parsing (`return` outside
/// a function and the like), in source order.
pub fn compile_errors(stmts: Vec<py::Stmt>) -> Vec<Diagnostic> {
    compile_rules::check(stmts)
}

pub fn span(range: TextRange) -> Span {
    Span::new(u32::from(range.start()) as usize, u32::from(range.end()) as usize)
}

/// The span of any node.
pub fn span_of(node: &impl Ranged) -> Span {
    span(node.range())
}
