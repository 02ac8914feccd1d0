//! One function per route: extract and convert every parameter, then call
//! the handler through the runtime.
//!
//! Parameters are extracted grouped by source (path, then query) because
//! FastAPI reports validation errors in that order; the handler is called
//! with them in signature order.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Constraints, Convertor, Literal, Param, ParamType, Route, Source};
use crate::plan::{Plan, RoutePlan};

/// `&rt::extract::Choices { ... }` for an Enum or Literal parameter.
fn choices(param: &Param, enum_class: Option<usize>) -> TokenStream {
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
    let class = match enum_class {
        Some(index) => quote!(Some(#index)),
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

pub fn tokens(plan: &Plan<'_>, source_file: &str) -> TokenStream {
    let functions = plan.routes.iter().map(|route| route_function(route, source_file));
    let names = plan
        .routes
        .iter()
        .map(|route| format_ident!("route_{}", route.index));
    let count = plan.routes.len();
    quote! {
        /// Each route's request handling, by route index.
        static DISPATCH: [rt::RouteFn; #count] = [#(#names),*];

        #(#functions)*
    }
}

fn route_function(plan: &RoutePlan<'_>, source_file: &str) -> TokenStream {
    let (index, route) = (plan.index, plan.route);
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
    let has_body = plan.body_plan.is_some();
    let mut body_position = 0usize;
    let extractions: Vec<TokenStream> = plan
        .extraction_order
        .iter()
        .map(|&i| (i, &params[i]))
        .map(|(i, param)| {
            let name = var(i);
            match param.source {
                Source::Body => {
                    let position = body_position;
                    body_position += 1;
                    let validate = if position == 0 {
                        let body_plan = plan
                            .body_plan
                            .expect("a route with body parameters has a body plan");
                        quote! { let body_values = rt::extract::body(&body, #body_plan, &mut errors); }
                    } else {
                        quote! {}
                    };
                    quote! {
                        #validate
                        let #name = body_values.as_ref().map(|values| values[#position].clone());
                    }
                }
                Source::Response => quote! {
                    let injected = rt::extract::sub_response(py, &mut errors);
                    let #name = injected.clone();
                },
                _ => {
                    let call = extract_call(route, param, plan.fields[i], plan.enum_classes[i]);
                    quote! { let #name = #call; }
                }
            }
        })
        .collect();
    // FastAPI reads (and JSON-decodes) the body before validating anything.
    let reader = if route.reads_form() {
        quote!(read_form)
    } else {
        quote!(read_body)
    };
    let read_body = if has_body {
        quote! {
            let body = match rt::extract::#reader(py, &call) {
                Ok(body) => body,
                Err(outcome) => return *outcome,
            };
        }
    } else {
        quote! {}
    };
    let rejected_body = if has_body {
        quote!(Some(&body))
    } else {
        quote!(None)
    };
    let injected = if params.iter().any(|p| p.source == Source::Response) {
        quote!(injected.as_ref())
    } else {
        quote!(None)
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
                return rt::reject(py, &call, errors, #rejected_body);
            };
        }
    };
    let route_index = index;
    let errors = if params.is_empty() {
        quote! {}
    } else {
        quote! { let mut errors = rt::ValidationErrors::new(); }
    };
    quote! {
        #[doc = #doc]
        fn #function<'py>(
            py: rt::Python<'py>,
            request: &rt::Request,
            captures: &rt::Captures,
        ) -> rt::Outcome {
            let call = rt::Call { route: &ROUTES[#route_index], request, captures };
            #errors
            #read_body
            #(#extractions)*
            #unpack
            rt::invoke(py, &call, #is_async, (#(#positional,)*), &[#(#keyword),*], #injected)
        }
    }
}

fn extract_call(
    route: &Route,
    param: &Param,
    field: Option<usize>,
    enum_class: Option<usize>,
) -> TokenStream {
    let name = &param.name;
    if let Some(field) = field {
        return adapted_call(route, param, field);
    }
    match param.source {
        Source::Body | Source::Response => unreachable!("extracted by route_function"),
        Source::Request => quote! { rt::extract::request(py, &call, &mut errors) },
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
                let choices = choices(param, enum_class);
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
            let choices = choices(param, enum_class);
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

/// A parameter pydantic validates from its text (`field`: its `param_fields` index).
fn adapted_call(route: &Route, param: &Param, field: usize) -> TokenStream {
    let key = &param.key;
    if param.ty == ParamType::Model {
        return quote! { rt::extract::param_model(py, &call, #field, &mut errors) };
    }
    if param.list {
        let values = match param.source {
            Source::Header => quote!(&request.header_all(#key)),
            _ => quote!(&request.query_all(#key)),
        };
        return quote! { rt::extract::adapted_list(py, #values, #field, &mut errors) };
    }
    let raw = match param.source {
        Source::Path => {
            let position = route
                .path
                .params()
                .position(|(n, _, _)| n == param.name)
                .expect("validation guarantees the path has this parameter");
            quote! { Some(captures.get(request.path(), #position)) }
        }
        _ => raw_and_loc(param).0,
    };
    quote! { rt::extract::adapted(py, #raw, #field, &mut errors) }
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
        ParamType::Str
        | ParamType::Any
        | ParamType::Uuid
        | ParamType::Model
        | ParamType::Choice
        | ParamType::Adapted
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
        ParamType::Str
        | ParamType::Any
        | ParamType::Uuid
        | ParamType::Model
        | ParamType::Choice
        | ParamType::Adapted => quote!(&rt::StrBounds::NONE,),
        ParamType::Bool => quote!(),
    }
}

fn extractor(ty: ParamType) -> TokenStream {
    match ty {
        // Models and adapted types never reach here (bodies and param fields).
        ParamType::Str
        | ParamType::Any
        | ParamType::Uuid
        | ParamType::Model
        | ParamType::Choice
        | ParamType::Adapted => quote!(str),
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
