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

use crate::contract::template::Piece;
use crate::contract::trie::TrieBuilder;
use crate::ir::{App, Convertor, Route};
use crate::plan::{Plan, RoutePlan};
pub fn tokens(app: &App, plan: &Plan<'_>) -> TokenStream {
    // One item per route (and per trie node): rustc checks many small
    // statics far faster than one array literal of thousands of structs.
    let route_names: Vec<_> = (0..app.routes.len())
        .map(|i| format_ident!("ROUTE_{}", i))
        .collect();
    let routes = plan.routes.iter().zip(&route_names).map(|(route, name)| {
        let spec = route_spec(route);
        quote! { static #name: rt::RouteSpec = #spec; }
    });
    let route_count = app.routes.len();
    let templated: Vec<u16> = (0..app.routes.len() as u16)
        .filter(|i| !app.routes[*i as usize].path.is_static())
        .collect();
    let templated_count = templated.len();
    let trie = trie_tokens(app);
    let static_paths = static_path_map(app);
    quote! {
        static ROUTES: [&rt::RouteSpec; #route_count] = [#(&#route_names),*];

        #(#routes)*

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
        };
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
    let node_names: Vec<_> = (0..node_count)
        .map(|i| format_ident!("TRIE_NODE_{}", i))
        .collect();
    let nodes = builder.nodes.iter().zip(&node_names).map(|(node, name)| {
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
            const #name: rt::TrieNode<'static> =
                rt::TrieNode { literals: &[#(#literals),*], param: #param, routes: &[#(#routes),*], rest: &[#(#rest),*] };
        }
    });
    let always = &builder.always;
    let always_count = always.len();
    quote! {
        /// Templated routes by path segment (node 0 is the root).
        static TRIE_NODES: [rt::TrieNode<'static>; #node_count] = [#(#node_names),*];
        #(#nodes)*
        /// Templated routes the trie cannot index: tried for every path.
        static TRIE_ALWAYS: [u16; #always_count] = [#(#always),*];
    }
}

fn route_spec(plan: &RoutePlan<'_>) -> TokenStream {
    let (index, route) = (plan.index, plan.route);
    let methods = route.matched_methods();
    let allow = route.methods.join(", ");
    let path = &route.path.raw;
    let status = route.status_code;
    let reads_body = route
        .request_params()
        .any(|p| matches!(p.source, crate::ir::Source::Body | crate::ir::Source::Request));
    let body = match (route.reads_form(), reads_body) {
        (true, _) => quote!(Form),
        (false, true) => quote!(Bytes),
        (false, false) => quote!(Skip),
    };
    let body_plan = match plan.body_plan {
        Some(index) => quote!(Some(#index)),
        None => quote!(None),
    };
    let path_params = route.path.params().map(|(name, convertor, _)| {
        let convertor = convertor_tokens(convertor);
        quote! { (#name, #convertor) }
    });
    let matcher = matcher(route);
    let boundary = route.boundary;
    let params = super::params::param_specs(route, &plan.handler);
    let dependencies = super::params::dependency_specs(plan);
    quote! {
        rt::RouteSpec {
            methods: &[#(#methods),*],
            allow: #allow,
            path: #path,
            status_code: #status,
            handler: #index,
            boundary: #boundary,
            matcher: #matcher,
            body: rt::BodyRead::#body,
            body_plan: #body_plan,
            path_params: &[#(#path_params),*],
            params: #params,
            dependencies: #dependencies,
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

/// How the route's template is matched (the same [`Matcher`] that
/// `Path::matches` runs for the static paths' candidate lists).
///
/// [`Matcher`]: crate::contract::template::Matcher
fn matcher(route: &Route) -> TokenStream {
    if route.path.is_static() {
        let path = &route.path.raw;
        return quote!(rt::Matcher::Exact(#path));
    }
    let (kind, pieces) = match route.path.segment_pieces() {
        Some(segments) => (quote!(Segments), segments),
        None => (quote!(Pieces), route.path.shared_pieces()),
    };
    let pieces = pieces.iter().map(|piece| match piece {
        Piece::Literal(text) => quote!(rt::Piece::Literal(#text)),
        Piece::Param(convertor) => {
            let convertor = convertor_tokens(*convertor);
            quote!(rt::Piece::Param(#convertor))
        }
    });
    quote!(rt::Matcher::#kind(&[#(#pieces),*]))
}
