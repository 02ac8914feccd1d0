//! One function per route: extract and convert every parameter, then call
//! the handler through the runtime.
//!
//! Parameters are extracted grouped by source (path, then query) because
//! FastAPI reports validation errors in that order; the handler is called
//! with them in signature order.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{App, Constraints, Convertor, Literal, Param, ParamType, Route, Source};

/// The `Enum` classes parameters use, in first-use order: `AppSpec::enum_classes`.
pub fn enum_classes(app: &App) -> Vec<String> {
    let mut classes: Vec<String> = Vec::new();
    for param in app.routes.iter().flat_map(|route| &route.handler.params) {
        if let Some(class) = &param.enum_class {
            if !classes.contains(class) {
                classes.push(class.clone());
            }
        }
    }
    classes
}

/// `&rt::extract::Choices { ... }` for an Enum or Literal parameter.
fn choices(param: &Param, enum_classes: &[String]) -> TokenStream {
    let values = param.choices.iter().map(|value| match value {
        Literal::Int(digits) => {
            let number: i64 = digits.parse().unwrap_or_default();
            quote!(rt::extract::ChoiceValue::Int(#number))
        }
        Literal::Str(text) => quote!(rt::extract::ChoiceValue::Str(#text)),
        _ => quote!(rt::extract::ChoiceValue::Str("")),
    });
    // pydantic's `'a', 'b' or 'c'`.
    let shown: Vec<String> = param
        .choices
        .iter()
        .map(|value| match value {
            Literal::Str(text) => format!("'{text}'"),
            other => other.python(),
        })
        .collect();
    let expected = match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => shown.join(""),
    };
    let class = match &param.enum_class {
        Some(class) => {
            let index = enum_classes.iter().position(|c| c == class).unwrap_or_default();
            quote!(Some(#index))
        }
        None => quote!(None),
    };
    quote! {{
        static CHOICES: rt::extract::Choices = rt::extract::Choices {
            values: &[#(#values),*],
            enum_class: #class,
            expected: #expected,
        };
        &CHOICES
    }}
}

pub fn tokens(app: &App, source_file: &str) -> TokenStream {
    let enum_classes = enum_classes(app);
    let mut body_index = 0;
    let functions: Vec<TokenStream> = app
        .routes
        .iter()
        .enumerate()
        .map(|(index, route)| {
            let function = route_function(index, route, source_file, body_index, &enum_classes);
            body_index += route
                .handler
                .params
                .iter()
                .filter(|p| p.source == Source::Body)
                .count();
            function
        })
        .collect();
    let arms = (0..app.routes.len()).map(|index| {
        let id = index as u16;
        let function = format_ident!("route_{}", index);
        quote! { #id => #function(py, request, captures), }
    });
    quote! {
        /// Calls the handler of `route` for one request.
        fn dispatch<'py>(
            py: rt::Python<'py>,
            route: u16,
            request: &rt::Request,
            captures: &rt::Captures,
        ) -> rt::Outcome {
            match route {
                #(#arms)*
                _ => rt::Outcome::internal_error(),
            }
        }

        #(#functions)*
    }
}

/// `body_index`: the index of this route's body parameter, if it has one,
/// in `AppSpec::body_params`.
fn route_function(
    index: usize,
    route: &Route,
    source_file: &str,
    body_index: usize,
    enum_classes: &[String],
) -> TokenStream {
    let function = format_ident!("route_{}", index);
    let doc = format!(
        " {} {} → `{}` ({}:{})",
        route.methods.join(", "),
        route.path.raw,
        route.handler.name,
        source_file,
        route.handler.line
    );
    let params = &route.handler.params;
    let var = |i: usize| format_ident!("arg{}", i);
    let by_source = |source: Source| params.iter().enumerate().filter(move |(_, p)| p.source == source);
    // FastAPI's error order: path, query, header, cookie, body.
    let order = by_source(Source::Path)
        .chain(by_source(Source::Query))
        .chain(by_source(Source::Header))
        .chain(by_source(Source::Cookie))
        .chain(by_source(Source::Body));
    let extractions = order.map(|(i, param)| {
        let name = var(i);
        let call = extract_call(route, param, body_index, enum_classes);
        quote! { let #name = #call; }
    });
    // FastAPI reads (and JSON-decodes) the body before validating anything.
    let read_body = if params.iter().any(|p| p.source == Source::Body) {
        quote! {
            let body = match rt::extract::read_body(py, request) {
                Ok(body) => body,
                Err(outcome) => return *outcome,
            };
        }
    } else {
        quote! {}
    };
    let is_async = route.handler.is_async;
    let positional: Vec<_> = (0..params.len())
        .filter(|i| !params[*i].keyword_only)
        .map(var)
        .collect();
    let keyword = params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.keyword_only)
        .map(|(i, p)| {
            let name = &p.name;
            let value = var(i);
            quote! { (#name, #value) }
        });
    let all: Vec<_> = (0..params.len()).map(var).collect();
    let unpack = if all.is_empty() {
        quote! {}
    } else {
        quote! {
            let (#(Some(#all),)*) = (#(#all,)*) else {
                return rt::Outcome::rejected(py, errors);
            };
        }
    };
    let route_index = index;
    // Name only what the route uses, so generated code compiles without warnings.
    let uses_path = params.iter().any(|p| p.source == Source::Path);
    let request = if params.is_empty() {
        quote!(_request)
    } else {
        quote!(request)
    };
    let captures = if uses_path {
        quote!(captures)
    } else {
        quote!(_captures)
    };
    let errors = if params.is_empty() {
        quote! {}
    } else {
        quote! { let mut errors = rt::ValidationErrors::new(); }
    };
    quote! {
        #[doc = #doc]
        fn #function<'py>(
            py: rt::Python<'py>,
            #request: &rt::Request,
            #captures: &rt::Captures,
        ) -> rt::Outcome {
            let route = &ROUTES[#route_index];
            #errors
            #read_body
            #(#extractions)*
            #unpack
            rt::invoke(py, route, #is_async, (#(#positional,)*), &[#(#keyword),*])
        }
    }
}

fn extract_call(route: &Route, param: &Param, body_index: usize, enum_classes: &[String]) -> TokenStream {
    let name = &param.name;
    match param.source {
        Source::Body => quote! { rt::extract::body(&body, #body_index, &mut errors) },
        Source::Path => {
            let (position, convertor) = route
                .path
                .params()
                .enumerate()
                .find(|(_, (n, _, _))| *n == name)
                .map(|(i, (_, convertor, _))| (i, convertor))
                .expect("validation guarantees the path has this parameter");
            let raw = quote! { captures.get(request.path(), #position) };
            if param.ty == ParamType::Choice {
                let choices = choices(param, enum_classes);
                return quote! {
                    rt::extract::choice(py, Some(#raw), rt::Fallback::Required, rt::Loc::path(#name), #choices, &mut errors)
                };
            }
            let ty = match (convertor, param.ty) {
                (Convertor::Uuid, _) => return quote! { rt::extract::uuid(py, #raw, &mut errors) },
                (Convertor::Int, ParamType::Any) => ParamType::Int,
                (Convertor::Float, ParamType::Any) => ParamType::Float,
                (_, ty) => ty,
            };
            let extractor = extractor(ty);
            let bounds = bounds(ty, &param.constraints);
            quote! {
                rt::extract::#extractor(py, Some(#raw), rt::Fallback::Required, rt::Loc::path(#name), #bounds &mut errors)
            }
        }
        Source::Query | Source::Header if param.list => {
            let key = &param.key;
            let item = match param.ty {
                ParamType::Int => quote!(rt::extract::ListItem::Int),
                ParamType::Float => quote!(rt::extract::ListItem::Float),
                ParamType::Bool => quote!(rt::extract::ListItem::Bool),
                _ => quote!(rt::extract::ListItem::Str),
            };
            let fallback = fallback(param.default.as_ref());
            let (values, loc) = match param.source {
                Source::Query => (quote!(&request.query_all(#key)), quote!(rt::Loc::query(#key))),
                _ => (quote!(&request.header_all(#key)), quote!(rt::Loc::header(#key))),
            };
            quote! { rt::extract::list(py, #values, #item, #fallback, #loc, &mut errors) }
        }
        Source::Query | Source::Header | Source::Cookie if param.ty == ParamType::Choice => {
            let fallback = fallback(param.default.as_ref());
            let (raw, loc) = raw_and_loc(param);
            let choices = choices(param, enum_classes);
            quote! { rt::extract::choice(py, #raw, #fallback, #loc, #choices, &mut errors) }
        }
        Source::Query | Source::Header | Source::Cookie => {
            let extractor = extractor(param.ty);
            let fallback = fallback(param.default.as_ref());
            let (raw, loc) = raw_and_loc(param);
            let bounds = bounds(param.ty, &param.constraints);
            quote! {
                rt::extract::#extractor(py, #raw, #fallback, #loc, #bounds &mut errors)
            }
        }
    }
}

/// Where a query, header or cookie parameter's text comes from, and its `loc`.
fn raw_and_loc(param: &Param) -> (TokenStream, TokenStream) {
    let key = &param.key;
    match param.source {
        Source::Query => (quote!(request.query(#key)), quote!(rt::Loc::query(#key))),
        Source::Header => (
            quote!(request.header(#key).as_deref()),
            quote!(rt::Loc::header(#key)),
        ),
        _ => (quote!(request.cookie(#key)), quote!(rt::Loc::cookie(#key))),
    }
}

/// The bounds argument of an int/float/str extractor (with its trailing
/// comma), as a static: patterns cache their compiled regex in it.
fn bounds(ty: ParamType, constraints: &Constraints) -> TokenStream {
    let number = |value: Option<&Literal>, float: bool| match value {
        None => quote!(None),
        Some(Literal::Int(digits)) if !float => {
            let value: i64 = digits.parse().expect("validation keeps int bounds within i64");
            quote!(Some(#value))
        }
        Some(Literal::Int(digits)) => {
            let bits = digits.parse::<f64>().unwrap_or(f64::NAN).to_bits();
            quote!(Some(f64::from_bits(#bits)))
        }
        Some(Literal::Float(value)) => {
            let bits = value.to_bits();
            quote!(Some(f64::from_bits(#bits)))
        }
        Some(_) => quote!(None),
    };
    let numeric = |kind: TokenStream, float: bool| {
        if !constraints.has_numeric() {
            return quote!(&rt::#kind::NONE,);
        }
        let [multiple_of, le, lt, ge, gt] = constraints.numeric().map(|(_, value)| number(value, float));
        quote! {{
            static BOUNDS: rt::#kind = rt::#kind {
                multiple_of: #multiple_of, le: #le, lt: #lt, ge: #ge, gt: #gt,
            };
            &BOUNDS
        },}
    };
    match ty {
        ParamType::Int => numeric(quote!(IntBounds), false),
        ParamType::Float => numeric(quote!(FloatBounds), true),
        ParamType::Str | ParamType::Any | ParamType::Uuid | ParamType::Model | ParamType::Choice
            if constraints.has_string() =>
        {
            let length = |value: Option<usize>| match value {
                Some(n) => quote!(Some(#n)),
                None => quote!(None),
            };
            let (min_length, max_length) = (length(constraints.min_length), length(constraints.max_length));
            let (pattern_static, pattern) = match &constraints.pattern {
                Some(source) => (
                    quote! { static PATTERN: rt::Pattern = rt::Pattern::new(#source); },
                    quote!(Some(&PATTERN)),
                ),
                None => (quote!(), quote!(None)),
            };
            quote! {{
                #pattern_static
                static BOUNDS: rt::StrBounds = rt::StrBounds {
                    min_length: #min_length, max_length: #max_length, pattern: #pattern,
                };
                &BOUNDS
            },}
        }
        ParamType::Str | ParamType::Any | ParamType::Uuid | ParamType::Model | ParamType::Choice => {
            quote!(&rt::StrBounds::NONE,)
        }
        ParamType::Bool => quote!(),
    }
}

fn extractor(ty: ParamType) -> TokenStream {
    match ty {
        // Models are bodies, extracted by `rt::extract::body`.
        ParamType::Str | ParamType::Any | ParamType::Uuid | ParamType::Model | ParamType::Choice => {
            quote!(str)
        }
        ParamType::Int => quote!(int),
        ParamType::Float => quote!(float),
        ParamType::Bool => quote!(bool),
    }
}

fn fallback(default: Option<&Literal>) -> TokenStream {
    match default {
        None => quote!(rt::Fallback::Required),
        Some(Literal::None) => quote!(rt::Fallback::None),
        Some(Literal::Bool(b)) => quote!(rt::Fallback::Bool(#b)),
        Some(Literal::Int(digits)) => match digits.parse::<i64>() {
            Ok(value) => quote!(rt::Fallback::Int(#value)),
            Err(_) => quote!(rt::Fallback::BigInt(#digits)),
        },
        Some(Literal::Float(value)) => {
            // Bit-exact, so the handler sees the very float Python parsed.
            let bits = value.to_bits();
            quote!(rt::Fallback::Float(f64::from_bits(#bits)))
        }
        Some(Literal::Str(text)) => quote!(rt::Fallback::Str(#text)),
        Some(Literal::List(items)) => {
            let items = items.iter().map(|item| fallback(Some(item)));
            quote!(rt::Fallback::List(&[#(#items),*]))
        }
    }
}
