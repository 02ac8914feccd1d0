//! The route table of the generated server.
//!
//! Precedence is resolved here, at build time: for every static path the
//! emitter lists, in declaration order, every route whose template matches
//! it (using the runtime's own matcher, compiled into this crate from the
//! same source file). The server then needs one perfect-hash lookup for
//! static paths and tries only templated routes for the rest.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{App, Convertor, PathPiece, Route};
pub fn tokens(app: &App) -> TokenStream {
    let routes = app
        .routes
        .iter()
        .enumerate()
        .map(|(index, route)| route_spec(index, route));
    let route_count = app.routes.len();
    let templated: Vec<u16> = (0..app.routes.len() as u16)
        .filter(|i| !app.routes[*i as usize].path.is_static())
        .collect();
    let templated_count = templated.len();
    let static_paths = static_path_map(app);
    let matchers = app.routes.iter().enumerate().map(|(index, route)| {
        let index = index as u16;
        let body = matcher_body(route);
        quote! { #index => #body, }
    });
    quote! {
        static ROUTES: [rt::RouteSpec; #route_count] = [#(#routes),*];

        /// Every static path, with the routes that match it in declaration order.
        static STATIC_PATHS: rt::phf::Map<&'static str, &'static [u16]> = #static_paths;

        /// Routes with path parameters, in declaration order.
        static TEMPLATED: [u16; #templated_count] = [#(#templated),*];

        static ROUTER: rt::Router = rt::Router {
            routes: &ROUTES,
            static_paths: &STATIC_PATHS,
            templated: &TEMPLATED,
            matcher: match_route,
        };

        /// Whether route `route`'s template matches `path`, capturing its parameters.
        /// (An app without templated routes uses neither argument.)
        #[allow(unused_variables)]
        fn match_route(route: u16, path: &str, captures: &mut rt::Captures) -> bool {
            match route {
                #(#matchers)*
                _ => false,
            }
        }
    }
}

fn route_spec(index: usize, route: &Route) -> TokenStream {
    let methods = &route.methods;
    let allow = route.methods.join(", ");
    let path = &route.path.raw;
    let status = route.status_code;
    let reads_body = route
        .handler
        .params
        .iter()
        .any(|p| matches!(p.source, crate::ir::Source::Body | crate::ir::Source::Request));
    let body = match (route.reads_form(), reads_body) {
        (true, _) => quote!(Form),
        (false, true) => quote!(Bytes),
        (false, false) => quote!(Skip),
    };
    let path_params = route.path.params().map(|(name, convertor, _)| {
        let convertor = format_ident!("{}", format!("{convertor:?}"));
        quote! { (#name, rt::Convertor::#convertor) }
    });
    quote! {
        rt::RouteSpec {
            methods: &[#(#methods),*],
            allow: #allow,
            path: #path,
            status_code: #status,
            handler: #index,
            body: rt::BodyRead::#body,
            path_params: &[#(#path_params),*],
        }
    }
}

fn static_path_map(app: &App) -> TokenStream {
    let mut map = phf_codegen::Map::<&str>::new();
    map.phf_path("rt::phf");
    let mut keys: Vec<&str> = Vec::new();
    for route in &app.routes {
        if route.path.is_static() && !keys.contains(&route.path.raw.as_str()) {
            keys.push(&route.path.raw);
        }
    }
    let mut values = Vec::new();
    for key in &keys {
        let candidates: Vec<String> = app
            .routes
            .iter()
            .enumerate()
            .filter(|(_, route)| route.path.matches(key))
            .map(|(index, _)| format!("{index}u16"))
            .collect();
        values.push(format!("&[{}]", candidates.join(", ")));
    }
    for (key, value) in keys.iter().zip(&values) {
        map.entry(*key, value.as_str());
    }
    let source = map.build().to_string();
    syn::parse_str::<syn::Expr>(&source)
        .map(|expr| quote! { #expr })
        .expect("phf_codegen emits a valid expression")
}

fn convertor_tokens(convertor: Convertor) -> TokenStream {
    match convertor {
        Convertor::Str => quote!(rt::Convertor::Str),
        Convertor::Path => quote!(rt::Convertor::Path),
        Convertor::Int => quote!(rt::Convertor::Int),
        Convertor::Float => quote!(rt::Convertor::Float),
        Convertor::Uuid => quote!(rt::Convertor::Uuid),
    }
}

/// One segment of a template whose parameters fill whole segments.
enum Segment<'a> {
    Literal(&'a str),
    Param(Convertor),
}

/// The template as whole segments, if it has that simple shape (every
/// parameter fills a segment, none is `:path`); those get straight-line
/// matching code. The template was validated, so a segment that is not
/// exactly `{name}` or `{name:convertor}` and holds a brace is "complex".
fn simple_segments(route: &Route) -> Option<Vec<Segment<'_>>> {
    let mut params = route.path.params();
    route.path.raw[1..]
        .split('/')
        .map(|segment| {
            if !segment.contains(['{', '}']) {
                return Some(Segment::Literal(segment));
            }
            let inner = segment.strip_prefix('{')?.strip_suffix('}')?;
            if inner.contains(['{', '}']) {
                return None;
            }
            let (_, convertor, _) = params.next()?;
            (convertor != Convertor::Path).then_some(Segment::Param(convertor))
        })
        .collect()
}

fn matcher_body(route: &Route) -> TokenStream {
    if route.path.is_static() {
        let path = &route.path.raw;
        return quote! { path == #path };
    }
    match simple_segments(route) {
        Some(segments) => {
            let checks = segments.iter().map(|segment| match segment {
                Segment::Literal(text) => quote! { matches!(segments.next(), Some((_, #text))) },
                Segment::Param(convertor) => {
                    let convertor = convertor_tokens(*convertor);
                    quote! {
                        match segments.next() {
                            Some((start, text)) if #convertor.accepts(text) => captures.push(start, start + text.len()),
                            _ => false,
                        }
                    }
                }
            });
            quote! {{
                let mut segments = rt::segments(path);
                #(#checks &&)* segments.next().is_none()
            }}
        }
        None => {
            let pieces = route.path.pieces.iter().map(|piece| match piece {
                PathPiece::Literal(text) => quote!(rt::Piece::Literal(#text)),
                PathPiece::Param { convertor, .. } => {
                    let convertor = convertor_tokens(*convertor);
                    quote!(rt::Piece::Param(#convertor))
                }
            });
            quote! { rt::match_pieces(&[#(#pieces),*], path, captures) }
        }
    }
}
