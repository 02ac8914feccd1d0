//! Handler parameters: annotations, `Query()`/`Path()`/`Header()`/`Cookie()`
//! declarations (both spellings), constraints and defaults.

use super::{is_none, literal, Lowerer};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Constraints, Literal, Param, ParamType, Source};
use crate::parse::py;

/// A parameter function call: where it reads from, and the call.
type Marker<'e> = (Source, &'e py::ExprCall);

/// What a parameter function declared.
struct MarkerInfo<'e> {
    source: Source,
    /// The default expression, `None` when required.
    default: Option<&'e py::Expr>,
    alias: Option<String>,
    /// Header only: `user_agent` is read from `user-agent`.
    convert_underscores: bool,
    /// Body only: `Body(embed=True)`.
    embed: bool,
    constraints: Constraints,
}

impl Lowerer<'_> {
    /// A handler parameter. Its source is settled per route (a name in the
    /// path template is a path parameter), so it starts as a query parameter.
    pub(super) fn param(&mut self, arg: &py::ParameterWithDefault, keyword_only: bool) -> Option<Param> {
        self.choices = None;
        let name = arg.parameter.name.to_string();
        let name_span = self.span(&arg.parameter.name);
        // `x: Annotated[int, Query(...)] = 1` or `x: int = Query(1)`.
        let (annotation, annotated_marker) = match arg.parameter.annotation.as_deref() {
            Some(annotation) => self.split_annotated(annotation)?,
            None => (None, None),
        };
        let default_marker = arg.default.as_deref().and_then(|d| self.marker(d));
        if let (Some(_), Some((_, call))) = (annotated_marker, default_marker) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedParamOption,
                    self.span(call),
                    "two parameter declarations",
                )
                .label("FastAPI refuses a parameter function both in `Annotated` and as the default")
                .help("keep one of them"),
            );
            return None;
        }
        let marker = annotated_marker.or(default_marker);
        if let Some(source) = annotation.and_then(|a| self.injected(a)) {
            return self.injected_param(arg, source, keyword_only);
        }
        let marker_source = marker.map(|(source, _)| source);
        // FastAPI's `analyze_param`: an `UploadFile` without a marker is a `File()`.
        let form = match marker {
            Some((_, call)) => self.is_form_marker(call),
            None => annotation.is_some_and(|a| self.mentions_upload(a)),
        };
        // FastAPI reads complex types (models, dicts, lists, dataclasses)
        // without a marker, and anything under `Body()`, from the body;
        // pydantic validates the whole value.
        if let Some(annotation) = annotation.filter(|a| form && self.union_models(a) > 1) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAnnotation,
                    self.span(annotation),
                    "a union of form models is not supported by turbo yet",
                )
                .label("FastAPI validates each model of the union from the form")
                .help("declare one model, or keep this route on uvicorn for now"),
            );
            return None;
        }
        let whole_body = match annotation {
            Some(annotation) => {
                marker_source == Some(Source::Body)
                    || (marker_source.is_none() && self.is_complex(annotation))
            }
            None => marker_source == Some(Source::Body),
        };
        let (ty, optional, list, annotation_span) = match annotation {
            None => (ParamType::Any, false, false, None),
            Some(annotation) if whole_body => {
                if !self.known_type(annotation) {
                    self.unknown_annotation(annotation);
                    return None;
                }
                let ty = if self.model_name(annotation).is_some() {
                    ParamType::Model
                } else {
                    ParamType::Adapted
                };
                let optional = self
                    .optional_inner(annotation)
                    .is_some_and(|(_, optional)| optional);
                (ty, optional, false, Some(self.span(annotation)))
            }
            Some(annotation) => match self.list_element(annotation) {
                // `list[int]`, `List[str] | None`: the element type.
                Some((element, optional)) => {
                    let (ty, _) = self.annotation(element)?;
                    (ty, optional, true, Some(self.span(annotation)))
                }
                None => {
                    let (ty, optional) = self.annotation(annotation)?;
                    (ty, optional, false, Some(self.span(annotation)))
                }
            },
        };
        let marker_info = match marker {
            Some((source, call)) => Some(self.marker_options(source, call, annotated_marker.is_some())?),
            None => None,
        };
        let default_expr = match (&marker_info, default_marker) {
            // The default is the marker's own `default` (or first argument).
            (Some(info), Some(_)) => info.default,
            _ => arg.default.as_deref(),
        };
        let (default, default_span) = match default_expr {
            None => (None, None),
            Some(default) => (Some(self.default(default)?), Some(self.span(default))),
        };
        let model = annotation.and_then(|a| self.model_name(a));
        let (choices, enum_class) = self.choices.take().unwrap_or_default();
        let constraints = marker_info
            .as_ref()
            .map(|info| info.constraints.clone())
            .unwrap_or_default();
        let source = match &marker_info {
            Some(info) => info.source,
            None if whole_body => Source::Body,
            None => Source::Query,
        };
        let embed = marker_info.as_ref().is_some_and(|info| info.embed);
        // Lists of other element types, or with constraints (which apply to
        // the list), are validated whole by pydantic.
        let ty = if list
            && matches!(source, Source::Query | Source::Header)
            && (constraints.span.is_some()
                || !matches!(
                    ty,
                    ParamType::Str | ParamType::Int | ParamType::Float | ParamType::Bool
                )) {
            ParamType::Adapted
        } else {
            ty
        };
        let key = match &marker_info {
            Some(MarkerInfo {
                alias: Some(alias), ..
            }) => alias.clone(),
            Some(MarkerInfo {
                source: Source::Header,
                convert_underscores: true,
                ..
            }) => name.replace('_', "-"),
            _ => name.clone(),
        };
        Some(Param {
            embed,
            form,
            annotation_text: annotation.map(|a| self.file.snippet(self.span(a)).to_owned()),
            choices,
            enum_class,
            list,
            constraints,
            model,
            key,
            name,
            span: name_span,
            source,
            keyword_only,
            ty,
            optional,
            default,
            default_span,
            annotation_span,
        })
    }

    /// `Annotated[T, Query(...)]` → (T, the marker); anything else as is.
    fn split_annotated<'e>(
        &mut self,
        annotation: &'e py::Expr,
    ) -> Option<(Option<&'e py::Expr>, Option<Marker<'e>>)> {
        let py::Expr::Subscript(subscript) = annotation else {
            return Some((Some(annotation), None));
        };
        if !matches!(
            self.imports.resolve(&subscript.value).as_deref(),
            Some("typing.Annotated" | "typing_extensions.Annotated")
        ) {
            return Some((Some(annotation), None));
        }
        let py::Expr::Tuple(tuple) = &*subscript.slice else {
            return Some((Some(annotation), None));
        };
        let (inner, metadata) = tuple.elts.split_first()?;
        let mut marker = None;
        for item in metadata {
            match self.marker(item) {
                Some(found) if marker.is_none() => marker = Some(found),
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnsupportedAnnotation,
                            self.span(item),
                            "unsupported `Annotated` metadata",
                        )
                        .label("turbo reads one Query(), Path(), Header() or Cookie() here")
                        .help("remove the other metadata, or keep this route on uvicorn for now"),
                    );
                    return None;
                }
            }
        }
        Some((Some(inner), marker))
    }

    /// `Query(...)`, `Path(...)`, `Header(...)` or `Cookie(...)` from fastapi/turboapi.
    fn marker<'e>(&self, expr: &'e py::Expr) -> Option<Marker<'e>> {
        let py::Expr::Call(call) = expr else { return None };
        let resolved = self.imports.resolve(&call.func)?;
        let (module, function) = resolved.rsplit_once('.')?;
        if !matches!(
            module,
            "fastapi" | "turboapi" | "fastapi.params" | "turboapi.params"
        ) {
            return None;
        }
        let source = match function {
            "Query" => Source::Query,
            "Path" => Source::Path,
            "Header" => Source::Header,
            "Cookie" => Source::Cookie,
            "Body" | "Form" | "File" => Source::Body,
            _ => return None,
        };
        Some((source, call))
    }

    /// How many of the app's models a union names (`A | B | None`: 2).
    fn union_models(&self, annotation: &py::Expr) -> usize {
        match annotation {
            py::Expr::BinOp(op) if matches!(op.op, py::Operator::BitOr) => {
                self.union_models(&op.left) + self.union_models(&op.right)
            }
            py::Expr::Subscript(subscript)
                if matches!(
                    self.imports.resolve(&subscript.value).as_deref(),
                    Some("typing.Union" | "typing.Optional")
                ) =>
            {
                slice_items(&subscript.slice)
                    .iter()
                    .map(|item| self.union_models(item))
                    .sum()
            }
            other => usize::from(self.model_name(other).is_some()),
        }
    }

    /// A `True`/`False` option of a parameter function; `None` (reported) otherwise.
    fn bool_option(&mut self, keyword: &py::Keyword, name: &str, example: &str) -> Option<bool> {
        if let Some(Literal::Bool(value)) = literal(&keyword.value) {
            return Some(value);
        }
        self.diags.push(
            Diagnostic::new(
                Code::UnsupportedParamOption,
                self.span(&keyword.value),
                format!("{name} must be True or False"),
            )
            .label("turbo cannot evaluate this")
            .help(format!("write {name}={example}")),
        );
        None
    }

    /// `Form(...)` or `File(...)`: a body marker that makes the body a form.
    fn is_form_marker(&self, call: &py::ExprCall) -> bool {
        self.imports
            .resolve(&call.func)
            .is_some_and(|resolved| resolved.ends_with(".Form") || resolved.ends_with(".File"))
    }

    /// Whether `UploadFile` appears in the annotation (`UploadFile`,
    /// `UploadFile | None`, `list[UploadFile]`).
    fn mentions_upload(&self, annotation: &py::Expr) -> bool {
        match annotation {
            py::Expr::BinOp(op) => self.mentions_upload(&op.left) || self.mentions_upload(&op.right),
            py::Expr::Subscript(subscript) => slice_items(&subscript.slice)
                .iter()
                .any(|item| self.mentions_upload(item)),
            other => self
                .imports
                .resolve(other)
                .is_some_and(|resolved| UPLOAD_TYPES.contains(&resolved.as_str())),
        }
    }

    /// The options of a parameter function that turbo serves exactly.
    fn marker_options<'e>(
        &mut self,
        source: Source,
        call: &'e py::ExprCall,
        in_annotated: bool,
    ) -> Option<MarkerInfo<'e>> {
        const DOCUMENTATION: &[&str] = &[
            "title",
            "description",
            "deprecated",
            "include_in_schema",
            "example",
            "examples",
            "openapi_examples",
            "json_schema_extra",
        ];
        let mut info = MarkerInfo {
            source,
            default: call.arguments.args.first(),
            alias: None,
            convert_underscores: true,
            embed: false,
            constraints: Constraints::default(),
        };
        let mut ok = true;
        for extra in call.arguments.args.iter().skip(1) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedParamOption,
                    self.span(extra),
                    "unexpected positional argument",
                )
                .label("parameter functions take the default, then keyword arguments")
                .help("pass options by keyword"),
            );
            ok = false;
        }
        for keyword in &call.arguments.keywords {
            let name = keyword.arg.as_ref().map_or("**", |n| n.as_str());
            match name {
                "default" => info.default = Some(&keyword.value),
                "alias" => match literal(&keyword.value) {
                    Some(Literal::Str(alias)) => info.alias = Some(alias),
                    _ => {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                self.span(&keyword.value),
                                "alias must be a string literal",
                            )
                            .label("turbo cannot evaluate this")
                            .help("write the alias as a string, e.g. alias=\"item-query\""),
                        );
                        ok = false;
                    }
                },
                "embed" if source == Source::Body && !self.is_form_marker(call) => {
                    match self.bool_option(keyword, "embed", "True") {
                        Some(embed) => info.embed = embed,
                        None => ok = false,
                    }
                }
                // Only documents the body in OpenAPI.
                "media_type" if source == Source::Body => {}
                "convert_underscores" if source == Source::Header => {
                    match self.bool_option(keyword, "convert_underscores", "False") {
                        Some(convert) => info.convert_underscores = convert,
                        None => ok = false,
                    }
                }
                "multiple_of" | "le" | "lt" | "ge" | "gt" => {
                    let value =
                        literal(&keyword.value).filter(|v| matches!(v, Literal::Int(_) | Literal::Float(_)));
                    let Some(value) = value else {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                self.span(&keyword.value),
                                format!("`{name}=` must be a number literal"),
                            )
                            .label("turbo cannot evaluate this")
                            .help(format!("write the bound, e.g. {name}=1")),
                        );
                        ok = false;
                        continue;
                    };
                    info.constraints.span.get_or_insert(self.span(keyword));
                    let slot = match name {
                        "multiple_of" => &mut info.constraints.multiple_of,
                        "le" => &mut info.constraints.le,
                        "lt" => &mut info.constraints.lt,
                        "ge" => &mut info.constraints.ge,
                        _ => &mut info.constraints.gt,
                    };
                    *slot = Some(value);
                }
                "min_length" | "max_length" => {
                    let value = match literal(&keyword.value) {
                        Some(Literal::Int(digits)) => digits.parse::<usize>().ok(),
                        _ => None,
                    };
                    let Some(value) = value else {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                self.span(&keyword.value),
                                format!("`{name}=` must be a non-negative integer literal"),
                            )
                            .label("turbo cannot evaluate this")
                            .help(format!("write the length, e.g. {name}=3")),
                        );
                        ok = false;
                        continue;
                    };
                    info.constraints.span.get_or_insert(self.span(keyword));
                    if name == "min_length" {
                        info.constraints.min_length = Some(value);
                    } else {
                        info.constraints.max_length = Some(value);
                    }
                }
                "pattern" | "regex" => match literal(&keyword.value) {
                    Some(Literal::Str(pattern)) => match regex::Regex::new(&pattern) {
                        Ok(_) => {
                            info.constraints.span.get_or_insert(self.span(keyword));
                            info.constraints.pattern = Some(pattern);
                        }
                        Err(error) => {
                            let reason = error.to_string().lines().last().unwrap_or("").trim().to_owned();
                            self.diags.push(
                                Diagnostic::new(
                                    Code::UnsupportedParamOption,
                                    self.span(&keyword.value),
                                    "pattern that pydantic's regex engine rejects",
                                )
                                .label(reason)
                                .help(
                                    "pydantic compiles patterns with Rust's regex crate (no look-around, no \
                                     backreferences); FastAPI fails at start-up with this one",
                                ),
                            );
                            ok = false;
                        }
                    },
                    _ => {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnsupportedParamOption,
                                self.span(&keyword.value),
                                "pattern must be a string literal",
                            )
                            .label("turbo cannot evaluate this")
                            .help("write the pattern as a string, e.g. pattern=\"^[a-z]+$\""),
                        );
                        ok = false;
                    }
                },
                _ if DOCUMENTATION.contains(&name) => {}
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnsupportedParamOption,
                            self.span(keyword),
                            format!("`{name}=` in a parameter declaration is not supported by turbo yet"),
                        )
                        .label("turbo does not apply this option yet")
                        .help("supported: default, alias, convert_underscores (Header), gt, ge, lt, le, multiple_of, \
                             min_length, max_length, pattern and documentation options"),
                    );
                    ok = false;
                }
            }
        }
        if in_annotated && info.default.is_some() {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedParamOption,
                    self.span(call),
                    "a default inside `Annotated`",
                )
                .label("FastAPI refuses this at start-up")
                .help("give the default after `=`: `x: Annotated[int, Query()] = 1`"),
            );
            ok = false;
        }
        // `Query(...)` (Ellipsis) means required.
        if info
            .default
            .is_some_and(|d| matches!(d, py::Expr::EllipsisLiteral(_)))
        {
            info.default = None;
        }
        ok.then_some(info)
    }

    /// `int`, `str | None`, `Optional[float]`, `Union[bool, None]`, `UUID`,
    /// a pydantic model of the module, ...
    pub(super) fn annotation(&mut self, annotation: &py::Expr) -> Option<(ParamType, bool)> {
        if let Some((inner, optional)) = self.optional_inner(annotation) {
            if optional {
                let (ty, _) = self.annotation(inner)?;
                return Some((ty, true));
            }
        }
        if self.model_name(annotation).is_some() {
            return Some((ParamType::Model, false));
        }
        if let Some(class) = self.imports.resolve(annotation) {
            if let Some(members) = self.shared.classes.enum_members(&class) {
                let values = members.iter().map(|(_, value)| value.clone()).collect();
                self.choices = Some((values, Some(class)));
                return Some((ParamType::Choice, false));
            }
        }
        if let py::Expr::Subscript(subscript) = annotation {
            if matches!(
                self.imports.resolve(&subscript.value).as_deref(),
                Some("typing.Literal" | "typing_extensions.Literal")
            ) {
                let items: Vec<&py::Expr> = match &*subscript.slice {
                    py::Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                    single => vec![single],
                };
                let values: Option<Vec<Literal>> = items
                    .iter()
                    .map(|item| literal(item).filter(|v| matches!(v, Literal::Str(_) | Literal::Int(_))))
                    .collect();
                if let Some(values) = values {
                    self.choices = Some((values, None));
                    return Some((ParamType::Choice, false));
                }
            }
        }
        let resolved = self.imports.resolve(annotation);
        let ty = match resolved.as_deref() {
            Some("builtins.str") => Some(ParamType::Str),
            Some("builtins.int") => Some(ParamType::Int),
            Some("builtins.float") => Some(ParamType::Float),
            Some("builtins.bool") => Some(ParamType::Bool),
            Some("uuid.UUID") => Some(ParamType::Uuid),
            Some("typing.Any") => Some(ParamType::Any),
            _ => None,
        };
        if ty.is_none() {
            // `datetime`, `Decimal`, `int | str`, ...: pydantic validates the text.
            if !self.is_complex(annotation) && self.known_type(annotation) {
                return Some((ParamType::Adapted, false));
            }
            self.unknown_annotation(annotation);
        }
        ty.map(|ty| (ty, false))
    }

    fn unknown_annotation(&mut self, annotation: &py::Expr) {
        let written = self.file.snippet(self.span(annotation)).to_owned();
        if self.is_complex(annotation) && self.known_type(annotation) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedAnnotation,
                    self.span(annotation),
                    format!("`{written}` cannot come from a query, header, cookie or path parameter"),
                )
                .label("FastAPI reads only scalars, or lists of them, from there")
                .help("read it from the body (drop `Query()`/`Header()`), or use a scalar type"),
            );
            return;
        }
        self.diags.push(
            Diagnostic::new(
                Code::UnsupportedAnnotation,
                self.span(annotation),
                format!("turbo cannot extract a parameter annotated `{written}` yet"),
            )
            .label("not a type turbo can see statically")
            .help(
                "use builtins (str, int, float, bool, bytes, list, dict, ...), typing generics, \
                 datetime/uuid/decimal types, or models, dataclasses and enums defined in this module",
            ),
        );
    }

    /// For `list[X]`, `List[X]` (optionally `| None`): `(X, optional)`.
    fn list_element<'e>(&self, annotation: &'e py::Expr) -> Option<(&'e py::Expr, bool)> {
        let (inner, optional) = match self.optional_inner(annotation) {
            Some((inner, true)) => (inner, true),
            _ => (annotation, false),
        };
        let py::Expr::Subscript(subscript) = inner else {
            return None;
        };
        match self.imports.resolve(&subscript.value).as_deref() {
            Some("builtins.list" | "typing.List") => Some((&subscript.slice, optional)),
            _ => None,
        }
    }

    /// The model class an annotation names, looking through `| None`.
    pub(super) fn model_name(&self, annotation: &py::Expr) -> Option<String> {
        match self.imports.resolve(annotation) {
            Some(class) if self.shared.classes.is_model(&class) => Some(class),
            _ => self
                .optional_inner(annotation)
                .and_then(|(inner, _)| self.model_name(inner)),
        }
    }

    /// For `X | None`, `None | X`, `Optional[X]`, `Union[X, None]`: `(X, true)`.
    fn optional_inner<'e>(&self, annotation: &'e py::Expr) -> Option<(&'e py::Expr, bool)> {
        match annotation {
            py::Expr::BinOp(op) if matches!(op.op, py::Operator::BitOr) => {
                if is_none(&op.right) {
                    Some((&op.left, true))
                } else if is_none(&op.left) {
                    Some((&op.right, true))
                } else {
                    None
                }
            }
            py::Expr::Subscript(subscript) => match self.imports.resolve(&subscript.value).as_deref() {
                Some("typing.Optional") => Some((&subscript.slice, true)),
                Some("typing.Union") => match &*subscript.slice {
                    py::Expr::Tuple(tuple) if tuple.elts.len() == 2 => {
                        if is_none(&tuple.elts[1]) {
                            Some((&tuple.elts[0], true))
                        } else if is_none(&tuple.elts[0]) {
                            Some((&tuple.elts[1], true))
                        } else {
                            None
                        }
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    fn default(&mut self, default: &py::Expr) -> Option<Literal> {
        // `Color.RED`: the member's value (the server turns it back into the member).
        if let py::Expr::Attribute(attribute) = default {
            let member = self
                .imports
                .resolve(&attribute.value)
                .and_then(|class| self.shared.classes.enum_members(&class))
                .and_then(|members| members.iter().find(|(m, _)| m == attribute.attr.as_str()));
            if let Some((_, value)) = member {
                return Some(value.clone());
            }
        }
        let literal = literal(default);
        if literal.is_none() {
            let written = self.file.snippet(self.span(default)).to_owned();
            let callee = match default {
                py::Expr::Call(call) => self.imports.resolve(&call.func),
                _ => None,
            };
            let help = match callee {
                Some(_) => {
                    "turbo reads literal defaults and Query(), Path(), Header(), Cookie(), Body(), Form() \
                     and File(); a default computed by another call cannot be checked"
                }
                _ => "use a literal default: a string, a number, True, False or None",
            };
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedDefault,
                    self.span(default),
                    format!("turbo cannot use `{written}` as a parameter default"),
                )
                .label("not a literal")
                .help(help),
            );
        }
        literal
    }
}

/// Scalar types pydantic validates from text, by qualified name.
const SCALAR_TYPES: &[&str] = &[
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.bytes",
    "typing.Any",
    "uuid.UUID",
    "datetime.datetime",
    "datetime.date",
    "datetime.time",
    "datetime.timedelta",
    "decimal.Decimal",
    "pydantic.AnyUrl",
    "pydantic.HttpUrl",
    "pydantic.EmailStr",
    "pydantic.SecretStr",
    "pydantic.PositiveInt",
    "pydantic.NegativeInt",
    "pydantic.NonNegativeInt",
    "pydantic.NonPositiveInt",
    "pydantic.PositiveFloat",
    "pydantic.NegativeFloat",
    "pydantic.StrictStr",
    "pydantic.StrictInt",
    "pydantic.StrictFloat",
    "pydantic.StrictBool",
];

/// `UploadFile`, wherever an app can import it from.
const UPLOAD_TYPES: &[&str] = &[
    "fastapi.UploadFile",
    "fastapi.datastructures.UploadFile",
    "turboapi.UploadFile",
    "turboapi.datastructures.UploadFile",
];

/// Containers FastAPI treats as complex (read from the body unless declared otherwise).
const CONTAINER_TYPES: &[&str] = &[
    "builtins.list",
    "builtins.dict",
    "builtins.set",
    "builtins.frozenset",
    "builtins.tuple",
    "typing.List",
    "typing.Dict",
    "typing.Set",
    "typing.FrozenSet",
    "typing.Tuple",
    "typing.Sequence",
    "typing.Mapping",
];

impl Lowerer<'_> {
    /// `Request`, `Response`, `SecurityScopes`, `BackgroundTasks` or `WebSocket`: objects FastAPI passes
    /// instead of request data.
    fn injected(&self, annotation: &py::Expr) -> Option<Source> {
        match self.imports.resolve(annotation)?.as_str() {
            "fastapi.Request"
            | "fastapi.requests.Request"
            | "turboapi.Request"
            | "turboapi.requests.Request" => Some(Source::Request),
            "fastapi.Response"
            | "fastapi.responses.Response"
            | "turboapi.Response"
            | "turboapi.responses.Response" => Some(Source::Response),
            // `fastapi.security.SecurityScopes`, followed through turbo's source
            // (`security/oauth2.py` re-exports it from its own module).
            "turboapi._security_scopes.SecurityScopes" => Some(Source::SecurityScopes),
            "fastapi.BackgroundTasks"
            | "fastapi.background.BackgroundTasks"
            | "turboapi.BackgroundTasks"
            | "turboapi.background.BackgroundTasks" => Some(Source::BackgroundTasks),
            "fastapi.WebSocket"
            | "fastapi.websockets.WebSocket"
            | "turboapi.WebSocket"
            | "turboapi.websockets.WebSocket" => Some(Source::WebSocket),
            _ => None,
        }
    }

    fn injected_param(
        &mut self,
        arg: &py::ParameterWithDefault,
        source: Source,
        keyword_only: bool,
    ) -> Option<Param> {
        if let Some(default) = &arg.default {
            self.diags.push(
                Diagnostic::new(
                    Code::UnsupportedDefault,
                    self.span(&**default),
                    format!("a default on the `{}` parameter", source.name()),
                )
                .label("FastAPI always passes this object")
                .help("remove the default"),
            );
            return None;
        }
        Some(self.object_param(arg, source, keyword_only))
    }

    /// A parameter FastAPI fills with an object rather than request text:
    /// the `Request`, the `Response`, or a dependency's value.
    pub(super) fn object_param(
        &self,
        arg: &py::ParameterWithDefault,
        source: Source,
        keyword_only: bool,
    ) -> Param {
        Param {
            keyword_only,
            annotation_span: arg.parameter.annotation.as_deref().map(|a| self.span(a)),
            ..Param::bare(
                arg.parameter.name.as_str(),
                self.span(&arg.parameter.name),
                source,
                ParamType::Any,
            )
        }
    }

    /// FastAPI's `field_annotation_is_complex`: models, dataclasses,
    /// mappings and sequences (not `str`/`bytes`), or unions with one.
    fn is_complex(&self, annotation: &py::Expr) -> bool {
        match annotation {
            py::Expr::BinOp(op) if matches!(op.op, py::Operator::BitOr) => {
                self.is_complex(&op.left) || self.is_complex(&op.right)
            }
            py::Expr::Subscript(subscript) => match self.imports.resolve(&subscript.value).as_deref() {
                Some("typing.Optional" | "typing.Union") => slice_items(&subscript.slice)
                    .iter()
                    .any(|item| self.is_complex(item)),
                Some(base) => CONTAINER_TYPES.contains(&base),
                None => false,
            },
            other => self.imports.resolve(other).is_some_and(|resolved| {
                self.shared.classes.is_model(&resolved)
                    || self.shared.classes.is_dataclass(&resolved)
                    || CONTAINER_TYPES.contains(&resolved.as_str())
                    || UPLOAD_TYPES.contains(&resolved.as_str())
            }),
        }
    }

    /// Whether every name in the annotation is one turbo knows pydantic
    /// handles the same way in FastAPI and in the server.
    fn known_type(&self, annotation: &py::Expr) -> bool {
        match annotation {
            py::Expr::NoneLiteral(_) | py::Expr::EllipsisLiteral(_) => true,
            py::Expr::BinOp(op) if matches!(op.op, py::Operator::BitOr) => {
                self.known_type(&op.left) && self.known_type(&op.right)
            }
            py::Expr::Subscript(subscript) => {
                let items = slice_items(&subscript.slice);
                match self.imports.resolve(&subscript.value).as_deref() {
                    Some("typing.Literal" | "typing_extensions.Literal") => {
                        items.iter().all(|item| literal(item).is_some())
                    }
                    Some("typing.Optional" | "typing.Union") => {
                        items.iter().all(|item| self.known_type(item))
                    }
                    Some(base) if CONTAINER_TYPES.contains(&base) => {
                        items.iter().all(|item| self.known_type(item))
                    }
                    _ => false,
                }
            }
            other => self.imports.resolve(other).is_some_and(|resolved| {
                self.shared.classes.is_model(&resolved)
                    || self.shared.classes.is_dataclass(&resolved)
                    || self.shared.classes.enum_members(&resolved).is_some()
                    || [SCALAR_TYPES, CONTAINER_TYPES, UPLOAD_TYPES]
                        .iter()
                        .any(|types| types.contains(&resolved.as_str()))
            }),
        }
    }
}

/// The items of a subscript: `dict[str, int]` → `[str, int]`, `list[int]` → `[int]`.
fn slice_items(slice: &py::Expr) -> Vec<&py::Expr> {
    match slice {
        py::Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        single => vec![single],
    }
}
