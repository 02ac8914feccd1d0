//! Each route's parameters as static specs the runtime follows: where the
//! value comes from, its type, constraints and default.
//!
//! They are listed grouped by source (path, then query, ...) because
//! FastAPI reports validation errors in that order; each carries its
//! position in the signature, where the handler gets it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Constraints, Convertor, DependencyScope, Literal, Param, ParamType, Route, Source};
use crate::plan::{CallablePlan, RoutePlan};

/// `&rt::extract::Choices { ... }` for an Enum or Literal parameter.
fn choices(param: &Param, enum_class: Option<usize>) -> TokenStream {
    let values = param.choices.iter().map(|value| match value {
        Literal::Int(digits) => {
            let number: i64 = digits.parse().unwrap_or_default();
            quote!(rt::ChoiceValue::Int(#number))
        }
        Literal::Str(text) => quote!(rt::ChoiceValue::Str(#text)),
        _ => quote!(rt::ChoiceValue::Str("")),
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
    let class = match enum_class {
        Some(index) => quote!(Some(#index)),
        None => quote!(None),
    };
    quote! {{
        static CHOICES: rt::Choices = rt::Choices {
            values: &[#(#values),*],
            enum_class: #class,
            expected: #expected,
        };
        &CHOICES
    }}
}

/// A callable's parameters as `&[rt::ParamSpec]`, in extraction order.
pub fn param_specs(route: &Route, plan: &CallablePlan<'_>) -> TokenStream {
    let params = &plan.callable.params;
    let mut body_position = 0usize;
    let specs = plan.extraction_order.iter().map(|&position| {
        let param = &params[position];
        let extract = match param.source {
            Source::Body => {
                body_position += 1;
                let index = body_position - 1;
                let part = plan
                    .body_part
                    .expect("a callable with body parameters has its body part");
                quote!(rt::Extract::Body(#part, #index))
            }
            Source::Response => quote!(rt::Extract::Response),
            Source::Request => quote!(rt::Extract::Request),
            Source::BackgroundTasks => quote!(rt::Extract::BackgroundTasks),
            Source::WebSocket => quote!(rt::Extract::WebSocket),
            Source::SecurityScopes => {
                let scopes = &plan.security_scopes;
                quote!(rt::Extract::SecurityScopes(&[#(#scopes),*]))
            }
            Source::Depends => {
                let step = plan.dependency_steps[position].expect("a Depends() parameter has its step");
                quote!(rt::Extract::Dependency(#step))
            }
            _ => match plan.fields[position] {
                Some(field) => adapted(route, param, field),
                None => extract(route, param, plan.enum_classes[position]),
            },
        };
        let name = &param.name;
        let keyword_only = param.keyword_only;
        quote! {
            rt::ParamSpec { name: #name, position: #position, keyword_only: #keyword_only, extract: #extract }
        }
    });
    quote!(&[#(#specs),*])
}

/// The dependables a route calls, as `&[rt::DependencySpec]`, in order.
pub fn dependency_specs(plan: &RoutePlan<'_>) -> TokenStream {
    let specs = plan.steps.iter().map(|step| {
        let callable = step.callable.callable;
        let (module, name) = (&callable.module, &callable.name);
        let use_cache = step.use_cache;
        let cache_key = step.cache_key;
        let params = param_specs(plan.route, &step.callable);
        let children = &step.callable.children;
        let kind = match (callable.is_async, callable.generator) {
            (false, false) => quote!(Function),
            (true, false) => quote!(Coroutine),
            (false, true) => quote!(Generator),
            (true, true) => quote!(AsyncGenerator),
        };
        let scope = match step.scope {
            DependencyScope::Function => quote!(Function),
            DependencyScope::Request => quote!(Request),
        };
        quote! {
            rt::DependencySpec {
                module: #module, name: #name, use_cache: #use_cache, cache_key: #cache_key,
                params: #params, children: &[#(#children),*],
                kind: rt::DependableKind::#kind, scope: rt::ExitScope::#scope,
            }
        }
    });
    quote!(&[#(#specs),*])
}

/// A path parameter's capture index among the template's parameters, and
/// its convertor.
fn capture(route: &Route, name: &str) -> (usize, Convertor) {
    route
        .path
        .params()
        .enumerate()
        .find(|(_, (n, _, _))| *n == name)
        .map(|(index, (_, convertor, _))| (index, convertor))
        .expect("validation guarantees the path has this parameter")
}

/// A path, query, header or cookie parameter converted in Rust.
fn extract(route: &Route, param: &Param, enum_class: Option<usize>) -> TokenStream {
    let fallback = fallback(param.default.as_ref());
    if param.list {
        let item = match param.ty {
            ParamType::Int => quote!(rt::ListItem::Int),
            ParamType::Float => quote!(rt::ListItem::Float),
            ParamType::Bool => quote!(rt::ListItem::Bool),
            _ => quote!(rt::ListItem::Str),
        };
        let texts = texts(param);
        return quote!(rt::Extract::List(#texts, #item, #fallback));
    }
    let mut ty = param.ty;
    if param.source == Source::Path {
        let (capture, convertor) = capture(route, &param.name);
        if convertor == Convertor::Uuid && param.ty != ParamType::Choice {
            return quote!(rt::Extract::PathUuid(#capture));
        }
        // A convertor decides what an unannotated path parameter is.
        ty = match (convertor, param.ty) {
            (Convertor::Int, ParamType::Any) => ParamType::Int,
            (Convertor::Float, ParamType::Any) => ParamType::Float,
            (_, ty) => ty,
        };
    }
    scalar(ty, param, text(route, param), fallback, enum_class)
}

fn scalar(
    ty: ParamType,
    param: &Param,
    text: TokenStream,
    fallback: TokenStream,
    enum_class: Option<usize>,
) -> TokenStream {
    let constraints = &param.constraints;
    match ty {
        ParamType::Choice => {
            let choices = choices(param, enum_class);
            quote!(rt::Extract::Choice(#text, #fallback, #choices))
        }
        ParamType::Int => {
            let bounds = int_bounds(constraints);
            quote!(rt::Extract::Int(#text, #fallback, #bounds))
        }
        ParamType::Float => {
            let bounds = float_bounds(constraints);
            quote!(rt::Extract::Float(#text, #fallback, #bounds))
        }
        ParamType::Bool => quote!(rt::Extract::Bool(#text, #fallback)),
        // Models and adapted types never reach here (bodies and param fields).
        ParamType::Str | ParamType::Any | ParamType::Uuid | ParamType::Model | ParamType::Adapted => {
            let bounds = str_bounds(constraints);
            quote!(rt::Extract::Str(#text, #fallback, #bounds))
        }
    }
}

/// A parameter pydantic validates from its text (`field`: its `param_fields` index).
fn adapted(route: &Route, param: &Param, field: usize) -> TokenStream {
    if param.ty == ParamType::Model {
        return quote!(rt::Extract::ParamModel(#field));
    }
    if param.list {
        let texts = texts(param);
        return quote!(rt::Extract::AdaptedList(#texts, #field));
    }
    let text = text(route, param);
    quote!(rt::Extract::Adapted(#text, #field))
}

/// Where a single-valued parameter's text comes from.
fn text(route: &Route, param: &Param) -> TokenStream {
    let key = &param.key;
    match param.source {
        Source::Path => {
            let (capture, _) = capture(route, &param.name);
            let name = &param.name;
            quote!(rt::Text::Path(#capture, #name))
        }
        Source::Query => quote!(rt::Text::Query(#key)),
        Source::Header => quote!(rt::Text::Header(#key)),
        _ => quote!(rt::Text::Cookie(#key)),
    }
}

/// Where a list parameter's values come from.
fn texts(param: &Param) -> TokenStream {
    let key = &param.key;
    match param.source {
        Source::Header => quote!(rt::Texts::Header(#key)),
        _ => quote!(rt::Texts::Query(#key)),
    }
}

/// A numeric bound as an `i64` (int parameters) or exact `f64` bits.
fn number(value: Option<&Literal>, float: bool) -> TokenStream {
    match value {
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
    }
}

/// `&rt::IntBounds` or `&rt::FloatBounds` (`kind`) from `ge=`, `lt=`, ...
fn numeric_bounds(kind: TokenStream, constraints: &Constraints, float: bool) -> TokenStream {
    if !constraints.has_numeric() {
        return quote!(&rt::#kind::NONE);
    }
    let [multiple_of, le, lt, ge, gt] = constraints.numeric().map(|(_, value)| number(value, float));
    quote!(&rt::#kind { multiple_of: #multiple_of, le: #le, lt: #lt, ge: #ge, gt: #gt })
}

fn int_bounds(constraints: &Constraints) -> TokenStream {
    numeric_bounds(quote!(IntBounds), constraints, false)
}

fn float_bounds(constraints: &Constraints) -> TokenStream {
    numeric_bounds(quote!(FloatBounds), constraints, true)
}

/// `&rt::StrBounds` from `min_length=`, `max_length=`, `pattern=`. A
/// pattern caches its compiled regex, so it is a static of its own.
fn str_bounds(constraints: &Constraints) -> TokenStream {
    if !constraints.has_string() {
        return quote!(&rt::StrBounds::NONE);
    }
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
    }}
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
