//! Diagnostics: what the checker reports, and how it is shown.
//!
//! Every problem is a [`Diagnostic`] with a stable [`Code`], a primary
//! span, optional secondary labels and a `help:` line. Phases push into a
//! [`Diagnostics`] collector and keep going, so one run reports everything;
//! rendering (text like rustc/ruff, JSON, GitHub annotations) happens once
//! at the end, sorted by position.

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;

use crate::source::{Files, LineColumn, SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Stable diagnostic codes. Never renumber: CI configurations name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    SyntaxError,
    InvalidUtf8,
    NoApp,
    SeveralApps,
    InvalidPath,
    UnknownConvertor,
    DuplicatePathParam,
    PathConvertorNotLast,
    TooManyPathParams,
    DuplicateRoute,
    UnknownMethod,
    InvalidStatusCode,
    UnsupportedRouteOption,
    UnknownRouteOption,
    RouteOnNonFunction,
    DynamicRoute,
    UnsupportedAppFeature,
    UnsupportedAppOption,
    UnknownAppObject,
    UnreachableRoute,
    ShadowedRoute,
    MissingPathParam,
    UnsupportedAnnotation,
    UnsupportedDefault,
    UnsupportedParamKind,
    DefaultTypeMismatch,
    ConvertorTypeMismatch,
    UnsupportedReturnAnnotation,
    ExtraDecorator,
    UnsupportedParamOption,
    UnsupportedDependency,
    DependencyCycle,
    DependencyScope,
    ConflictingParameter,
    UnknownFastapiName,
    UnsupportedModule,
    ApiDrift,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::SyntaxError,
        Code::InvalidUtf8,
        Code::NoApp,
        Code::SeveralApps,
        Code::InvalidPath,
        Code::UnknownConvertor,
        Code::DuplicatePathParam,
        Code::PathConvertorNotLast,
        Code::TooManyPathParams,
        Code::DuplicateRoute,
        Code::UnknownMethod,
        Code::InvalidStatusCode,
        Code::UnsupportedRouteOption,
        Code::UnknownRouteOption,
        Code::RouteOnNonFunction,
        Code::DynamicRoute,
        Code::UnsupportedAppFeature,
        Code::UnsupportedAppOption,
        Code::UnknownAppObject,
        Code::UnreachableRoute,
        Code::ShadowedRoute,
        Code::MissingPathParam,
        Code::UnsupportedAnnotation,
        Code::UnsupportedDefault,
        Code::UnsupportedParamKind,
        Code::DefaultTypeMismatch,
        Code::ConvertorTypeMismatch,
        Code::UnsupportedReturnAnnotation,
        Code::ExtraDecorator,
        Code::UnsupportedParamOption,
        Code::UnsupportedDependency,
        Code::DependencyCycle,
        Code::DependencyScope,
        Code::ConflictingParameter,
        Code::UnknownFastapiName,
        Code::UnsupportedModule,
        Code::ApiDrift,
    ];

    /// `(id, short name)`.
    pub fn info(self) -> (&'static str, &'static str) {
        match self {
            Code::SyntaxError => ("TB001", "syntax-error"),
            Code::InvalidUtf8 => ("TB002", "invalid-utf8"),
            Code::NoApp => ("TB003", "no-app"),
            Code::SeveralApps => ("TB004", "several-apps"),
            Code::InvalidPath => ("TB101", "invalid-path"),
            Code::UnknownConvertor => ("TB102", "unknown-convertor"),
            Code::DuplicatePathParam => ("TB103", "duplicate-path-param"),
            Code::PathConvertorNotLast => ("TB104", "path-convertor-not-last"),
            Code::TooManyPathParams => ("TB105", "too-many-path-params"),
            Code::DuplicateRoute => ("TB201", "duplicate-route"),
            Code::UnknownMethod => ("TB202", "unknown-method"),
            Code::InvalidStatusCode => ("TB203", "invalid-status-code"),
            Code::UnsupportedRouteOption => ("TB204", "unsupported-route-option"),
            Code::UnknownRouteOption => ("TB205", "unknown-route-option"),
            Code::RouteOnNonFunction => ("TB206", "route-on-non-function"),
            Code::DynamicRoute => ("TB207", "dynamic-route"),
            Code::UnsupportedAppFeature => ("TB208", "unsupported-app-feature"),
            Code::UnsupportedAppOption => ("TB209", "unsupported-app-option"),
            Code::UnknownAppObject => ("TB210", "unknown-app-object"),
            Code::UnreachableRoute => ("TB211", "unreachable-route"),
            Code::ShadowedRoute => ("TB212", "shadowed-route"),
            Code::MissingPathParam => ("TB301", "missing-path-param"),
            Code::UnsupportedAnnotation => ("TB302", "unsupported-annotation"),
            Code::UnsupportedDefault => ("TB303", "unsupported-default"),
            Code::UnsupportedParamKind => ("TB304", "unsupported-param-kind"),
            Code::DefaultTypeMismatch => ("TB305", "default-type-mismatch"),
            Code::ConvertorTypeMismatch => ("TB306", "convertor-type-mismatch"),
            Code::UnsupportedReturnAnnotation => ("TB307", "unsupported-return-annotation"),
            Code::ExtraDecorator => ("TB308", "extra-decorator"),
            Code::UnsupportedParamOption => ("TB309", "unsupported-param-option"),
            Code::UnsupportedDependency => ("TB310", "unsupported-dependency"),
            Code::DependencyCycle => ("TB311", "dependency-cycle"),
            Code::DependencyScope => ("TB312", "dependency-scope"),
            Code::ConflictingParameter => ("TB313", "conflicting-parameter"),
            Code::UnknownFastapiName => ("TB401", "unknown-fastapi-name"),
            Code::UnsupportedModule => ("TB402", "unsupported-module"),
            Code::ApiDrift => ("TB601", "api-drift"),
        }
    }

    pub fn id(self) -> &'static str {
        self.info().0
    }

    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.id().eq_ignore_ascii_case(id) || code.info().1 == id)
    }

    /// The severity `turbo check` reports it with, unless configured.
    pub fn severity(self) -> Severity {
        match self {
            Code::PathConvertorNotLast | Code::ShadowedRoute => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A finding about the app's own routes that FastAPI serves anyway
    /// (and turbo serves the same way): it does not stop `turbo build`,
    /// and `# noqa` or `[tool.turbo]` may silence or demote it. Every
    /// other code means turbo cannot serve the construct and stays an
    /// error everywhere.
    pub fn describes_app(self) -> bool {
        matches!(
            self,
            Code::DuplicateRoute
                | Code::UnreachableRoute
                | Code::ShadowedRoute
                | Code::PathConvertorNotLast
                | Code::ConflictingParameter
        )
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    /// The code's severity, unless configuration or `turbo build` changed it.
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }
}

/// Collects diagnostics across phases.
#[derive(Default, Debug)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity() == Severity::Error)
    }

    /// Sorted by position, then code, for stable output. A finding made
    /// twice (about a route of a router included twice) is reported once.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        sort(&mut self.items);
        self.items
            .dedup_by(|a, b| a.code == b.code && a.primary.span == b.primary.span && a.message == b.message);
        self.items
    }
}

/// The order diagnostics are reported in: by position, then code, then message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics
        .sort_by(|a, b| (a.primary.span, a.code, &a.message).cmp(&(b.primary.span, b.code, &b.message)));
}

/// Renders one diagnostic like rustc and ruff do.
///
/// The snippet renderer has failed on hostile input before (found by
/// fuzzing), so a panic inside it falls back to the header, location and
/// help without the source excerpt: `turbo check` never crashes on a file.
pub fn render_text(files: &Files, diagnostic: &Diagnostic, color: bool) -> String {
    std::panic::catch_unwind(|| render_snippet(files, diagnostic, color)).unwrap_or_else(|_| {
        let file = files.of(diagnostic.primary.span);
        let start = file.line_column(diagnostic.primary.span.start as usize);
        let severity = match diagnostic.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut text = format!(
            "{severity}[{}]: {}\n --> {}:{}:{}\n",
            diagnostic.code.id(),
            diagnostic.message,
            file.name,
            start.line,
            start.column
        );
        if let Some(help) = &diagnostic.help {
            text.push_str(&format!("  = help: {help}\n"));
        }
        text
    })
}

/// [`render_text`] without the fallback: a renderer panic propagates.
/// For tests and fuzzing, which must see such panics.
pub fn render_text_strict(files: &Files, diagnostic: &Diagnostic, color: bool) -> String {
    render_snippet(files, diagnostic, color)
}

/// A span's byte range, clamped into its file and onto character boundaries.
fn clamp(file: &SourceFile, span: Span) -> std::ops::Range<usize> {
    let len = file.text.len();
    let mut start = (span.start as usize).min(len);
    let mut end = (span.end as usize).clamp(start, len);
    while !file.text.is_char_boundary(start) {
        start -= 1;
    }
    while !file.text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

fn render_snippet(files: &Files, diagnostic: &Diagnostic, color: bool) -> String {
    let level = match diagnostic.severity() {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    };
    // One excerpt per file the labels point into: the primary label's file
    // first, then the others in label order.
    let mut shown = vec![diagnostic.primary.span.file];
    for label in &diagnostic.secondary {
        if !shown.contains(&label.span.file) {
            shown.push(label.span.file);
        }
    }
    // Python also ends lines at a lone `\r`; the renderer only knows `\n`.
    // Control characters become spaces: their display width confuses the
    // renderer, and escape sequences must not reach the user's terminal.
    // Same length, so every span stays valid.
    let texts: Vec<_> = shown.iter().map(|id| printable(&files.get(*id).text)).collect();
    let snippets = shown.iter().zip(&texts).map(|(id, text)| {
        let file = files.get(*id);
        let mut snippet = Snippet::source(text).origin(&file.name).fold(true);
        if diagnostic.primary.span.file == *id {
            snippet = snippet.annotation(
                level
                    .span(clamp(file, diagnostic.primary.span))
                    .label(&diagnostic.primary.message),
            );
        }
        for label in diagnostic.secondary.iter().filter(|l| l.span.file == *id) {
            snippet = snippet.annotation(Level::Info.span(clamp(file, label.span)).label(&label.message));
        }
        snippet
    });
    let title = escape_controls(&diagnostic.message);
    let mut message = level.title(&title).id(diagnostic.code.id()).snippets(snippets);
    if let Some(help) = &diagnostic.help {
        message = message.footer(Level::Help.title(help));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // annotate-snippets trims lines wider than its terminal width, and that
    // arithmetic underflows on inputs cargo-fuzz found (labels inside long
    // indentation, tabs, control characters). A width no line of the file
    // can exceed means it never trims: a pathological long line is shown
    // whole, and the renderer never reaches that code.
    let widest = texts.iter().map(|text| widest_line(text)).max().unwrap_or(0);
    let renderer = renderer.term_width(widest.max(DEFAULT_TERM_WIDTH) + 16);
    format!("{}\n", renderer.render(message))
}

/// annotate-snippets' own default.
const DEFAULT_TERM_WIDTH: usize = 140;

/// An upper bound of every width the renderer computes for the file's
/// lines: it measures some in display columns (tabs four, wide characters
/// two) and some in bytes, so each character counts as the larger.
fn widest_line(text: &str) -> usize {
    text.split('\n')
        .map(|line| {
            line.chars()
                .map(|c| if c == '\t' { 4 } else { c.len_utf8().max(2) })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// Control characters in a message (the parser echoes unexpected tokens)
/// are written as escapes, never sent raw to the terminal.
fn escape_controls(message: &str) -> std::borrow::Cow<'_, str> {
    if !message.contains(|c: char| c.is_control()) {
        return std::borrow::Cow::Borrowed(message);
    }
    std::borrow::Cow::Owned(
        message
            .chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let needs_change = |c: char| c.is_ascii_control() && c != '\n' && c != '\t';
    if !text.contains(needs_change) {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let converted: String = text
        .char_indices()
        .map(|(i, c)| match c {
            '\r' if bytes.get(i + 1) == Some(&b'\n') => c,
            '\r' => '\n',
            c if needs_change(c) => ' ',
            c => c,
        })
        .collect();
    std::borrow::Cow::Owned(converted)
}

/// One diagnostic as the JSON object of `--format json`.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub file: &'a str,
    pub start: LineColumn,
    pub end: LineColumn,
    pub message: &'a str,
    pub labels: Vec<JsonLabel<'a>>,
    pub help: Option<&'a str>,
}

#[derive(Serialize)]
pub struct JsonLabel<'a> {
    pub primary: bool,
    /// Only where the label is in another file than the diagnostic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
    pub start: LineColumn,
    pub end: LineColumn,
    pub message: &'a str,
}

pub fn to_json<'a>(files: &'a Files, diagnostic: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let file = files.of(diagnostic.primary.span);
    let label = |label: &'a Label, primary: bool| {
        let in_file = files.of(label.span);
        JsonLabel {
            primary,
            file: (in_file.id != file.id).then_some(in_file.name.as_str()),
            start: in_file.line_column(label.span.start as usize),
            end: in_file.line_column(label.span.end as usize),
            message: &label.message,
        }
    };
    let mut labels = vec![label(&diagnostic.primary, true)];
    labels.extend(diagnostic.secondary.iter().map(|l| label(l, false)));
    JsonDiagnostic {
        code: diagnostic.code.id(),
        name: diagnostic.code.info().1,
        severity: diagnostic.severity(),
        file: &file.name,
        start: file.line_column(diagnostic.primary.span.start as usize),
        end: file.line_column(diagnostic.primary.span.end as usize),
        message: &diagnostic.message,
        labels,
        help: diagnostic.help.as_deref(),
    }
}

/// A GitHub Actions workflow command (`::error file=…,line=…::message`).
pub fn render_github(files: &Files, diagnostic: &Diagnostic) -> String {
    let file = files.of(diagnostic.primary.span);
    let start = file.line_column(diagnostic.primary.span.start as usize);
    let end = file.line_column(diagnostic.primary.span.end as usize);
    let kind = match diagnostic.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let escape = |text: &str| text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{kind} title={code},file={file},line={line},col={col},endLine={end_line},endColumn={end_col}::{message}\n",
        code = diagnostic.code.id(),
        file = escape(&file.name).replace(',', "%2C").replace(':', "%3A"),
        line = start.line,
        col = start.column,
        end_line = end.line,
        end_col = end.column,
        message = escape(&message),
    )
}
