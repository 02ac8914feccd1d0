//! What route declarations and `include_router` calls append to an app
//! or router, recorded in import execution order and flattened by
//! `routers.rs` into the table FastAPI matches against.

use crate::ir::Route;
use crate::source::Span;

/// Something appended to a router's list of routes.
pub(super) struct Entry {
    /// Index into `Objects::list` (`app.rs`): the app or router it is appended to.
    pub object: usize,
    /// Execution order: which is appended first.
    pub at: (u64, u32),
    /// Appended only under an `if`.
    pub conditional: bool,
    pub item: Item,
}

pub(super) enum Item {
    Route(Box<Route>),
    /// `app.mount(path, sub_app)`: a FastAPI application mounted in place.
    Mount {
        app: usize,
        path: String,
        /// The route closing its routes (`Route::boundary`).
        boundary: Box<Route>,
    },
    Include {
        router: usize,
        prefix: String,
        /// Where the prefix is written (or the call, without one).
        prefix_span: Span,
        /// `include_router(default_response_class=...)` was given.
        response_class: bool,
        /// What the inclusion prepends to the included routes: the
        /// parent's `dependencies=`, then the call's.
        dependencies: Vec<crate::ir::Dependency>,
        span: Span,
    },
}
