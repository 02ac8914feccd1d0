//! The route table of the generated server.
//!
//! Precedence is resolved here, at build time: for every static path the
//! emitter lists, in declaration order, every route whose template matches
//! it (using the runtime's own matcher, compiled into this crate from the
//! same source file). The server then needs one perfect-hash lookup for
//! static paths and, for the rest, tries only the templated routes a
//! segment trie built here finds for the path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::contract::trie::TrieBuilder;
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
    let trie = trie_tokens(app);
    let static_paths = static_path_map(app);
    let matcher_names: Vec<_> = (0..app.routes.len())
        .map(|i| format_ident!("match_{}", i))
        .collect();
    let matchers = app.routes.iter().zip(&matcher_names).map(|(route, name)| {
        let body = matcher_body(route);
        let doc = format!(
            " Whether `{}` matches `path`, capturing its parameters.",
            route.path.raw
        );
        // A static path's matcher uses neither capture nor segments.
        quote! {
            #[doc = #doc]
            #[allow(unused_variables)]
            fn #name(path: &str, captures: &mut rt::Captures) -> bool {
                #body
            }
        }
    });
    quote! {
        static ROUTES: [rt::RouteSpec; #route_count] = [#(#routes),*];

        /// Every static path, with the routes that match it in declaration order.
        static STATIC_PATHS: rt::phf::Map<&'static str, &'static [u16]> = #static_paths;

        /// Routes with path parameters, in declaration order.
        static TEMPLATED: [u16; #templated_count] = [#(#templated),*];

        #trie

        static ROUTER: rt::Router = rt::Router {
            routes: &ROUTES,
            static_paths: &STATIC_PATHS,
            templated: &TEMPLATED,
            trie: rt::Trie { nodes: &TRIE_NODES, always: &TRIE_ALWAYS },
            matchers: &MATCHERS,
        };

        /// Each route's matcher, by route index.
        static MATCHERS: [rt::Matcher; #route_count] = [#(#matcher_names),*];

        #(#matchers)*
    }
}

/// The segment trie of the templated routes, as static tables.
fn trie_tokens(app: &App) -> TokenStream {
    let mut builder = TrieBuilder::default();
    for (index, route) in app.routes.iter().enumerate() {
        if !route.path.is_static() {
            builder.add(index as u16, &route.path.shared_pieces());
        }
    }
    let builder = builder.finish();
    let node_count = builder.nodes.len();
    let nodes = builder.nodes.iter().map(|node| {
        let literals = node
            .literals
            .iter()
            .map(|(hash, text, child)| quote! { (#hash, #text, #child) });
        let param = match node.param {
            Some(child) => quote! { Some(#child) },
            None => quote! { None },
        };
        let routes = &node.routes;
        let rest = &node.rest;
        quote! {
            rt::TrieNode { literals: &[#(#literals),*], param: #param, routes: &[#(#routes),*], rest: &[#(#rest),*] }
        }
    });
    let always = &builder.always;
    let always_count = always.len();
    quote! {
        /// Templated routes by path segment (node 0 is the root).
        static TRIE_NODES: [rt::TrieNode<'static>; #node_count] = [#(#nodes),*];
        /// Templated routes the trie cannot index: tried for every path.
        static TRIE_ALWAYS: [u16; #always_count] = [#(#always),*];
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
