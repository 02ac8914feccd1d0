//! Planning: the pass between validation and emission that decides, once,
//! what the emitter writes out: per route, the order its parameters are
//! extracted in (FastAPI's error order) and where each lands in the tables
//! the runtime builds at start-up (body plans, parameters pydantic
//! validates, `Enum` classes). The emitter reads a [`Plan`] and never
//! rescans the IR or matches items by identity.

use crate::ir::{App, DependencyScope, Handler, Param, ParamType, Route, Source};

/// What the emitter writes for an app.
pub struct Plan<'a> {
    pub routes: Vec<RoutePlan<'a>>,
    /// `AppSpec::body_plans`: routes with body parameters, their names.
    pub body_plans: Vec<(usize, Vec<&'a str>)>,
    /// `AppSpec::param_fields`: parameters pydantic validates from text,
    /// with their route and the dependency step declaring them (`None`:
    /// the handler).
    pub param_fields: Vec<ParamField<'a>>,
    /// `AppSpec::enum_classes`: qualified names, in first-use order.
    pub enum_classes: Vec<&'a str>,
}

/// A parameter pydantic validates from its text.
pub struct ParamField<'a> {
    pub route: usize,
    pub step: Option<usize>,
    pub param: &'a Param,
}

/// One route's plan.
pub struct RoutePlan<'a> {
    pub index: usize,
    pub route: &'a Route,
    /// Index into [`Plan::body_plans`], for a route with body parameters.
    pub body_plan: Option<usize>,
    /// The dependables the route calls, in FastAPI's order: each after its
    /// own dependencies (a dependable used twice is two steps; the second
    /// reuses the first's value unless `use_cache=False`).
    pub steps: Vec<Step<'a>>,
    /// The handler, called last.
    pub handler: CallablePlan<'a>,
}

/// One call of a dependable.
pub struct Step<'a> {
    pub callable: CallablePlan<'a>,
    pub use_cache: bool,
    /// Steps calling the same dependable share a key (the request's cache).
    pub cache_key: usize,
    /// The exit stack a `yield` dependable is entered on.
    pub scope: DependencyScope,
}

/// How one callable (handler or dependable) gets its arguments.
pub struct CallablePlan<'a> {
    pub callable: &'a Handler,
    /// Parameter indices in FastAPI's error order: path, query, header,
    /// cookie, body; `Request` and `Response` (which cannot fail) last;
    /// `Depends()` parameters (solved before) at the very end.
    pub extraction_order: Vec<usize>,
    /// Per parameter (signature order): its index into [`Plan::param_fields`].
    pub fields: Vec<Option<usize>>,
    /// Per parameter (signature order): its index into [`Plan::enum_classes`].
    pub enum_classes: Vec<Option<usize>>,
    /// Per parameter (signature order): the step whose value a `Depends()`
    /// parameter receives.
    pub dependency_steps: Vec<Option<usize>>,
    /// The steps of its direct dependencies, in order (including those of
    /// `dependencies=[...]`, whose values are dropped).
    pub children: Vec<usize>,
}

/// The order sources are extracted in.
const EXTRACTION_ORDER: [Source; 8] = [
    Source::Path,
    Source::Query,
    Source::Header,
    Source::Cookie,
    Source::Body,
    Source::Request,
    Source::Response,
    Source::Depends,
];

/// Whether pydantic validates this parameter from its text in the server.
fn is_param_field(param: &Param) -> bool {
    matches!(param.ty, ParamType::Adapted | ParamType::Model)
        && matches!(
            param.source,
            Source::Path | Source::Query | Source::Header | Source::Cookie
        )
}

pub fn plan(app: &App) -> Plan<'_> {
    let mut plan = Plan {
        routes: Vec::with_capacity(app.routes.len()),
        body_plans: Vec::new(),
        param_fields: Vec::new(),
        enum_classes: Vec::new(),
    };
    for (index, route) in app.routes.iter().enumerate() {
        let body: Vec<&str> = route
            .handler
            .params
            .iter()
            .filter(|p| p.source == Source::Body)
            .map(|p| p.name.as_str())
            .collect();
        let body_plan = (!body.is_empty()).then(|| {
            plan.body_plans.push((index, body));
            plan.body_plans.len() - 1
        });
        let mut steps = Vec::new();
        let mut cache_keys: Vec<String> = Vec::new();
        let handler = plan.callable(index, false, &route.handler, &mut steps, &mut cache_keys);
        plan.routes.push(RoutePlan {
            index,
            route,
            body_plan,
            steps,
            handler,
        });
    }
    plan
}

impl<'a> Plan<'a> {
    /// Plans `callable` after planning its dependencies as steps of their
    /// own; `is_step`: it is a dependable (pushed as the next step by the
    /// caller), not the handler.
    fn callable(
        &mut self,
        route: usize,
        is_step: bool,
        callable: &'a Handler,
        steps: &mut Vec<Step<'a>>,
        cache_keys: &mut Vec<String>,
    ) -> CallablePlan<'a> {
        let params = &callable.params;
        let mut dependency_steps = vec![None; params.len()];
        let mut children = Vec::new();
        for dependency in &callable.dependencies {
            let sub = self.callable(route, true, &dependency.callable, steps, cache_keys);
            let cache_key = index_of(cache_keys, cache_identity(dependency));
            children.push(steps.len());
            if let Some(param) = dependency.param {
                dependency_steps[param] = Some(steps.len());
            }
            steps.push(Step {
                callable: sub,
                use_cache: dependency.use_cache,
                cache_key,
                scope: dependency.exit_scope(),
            });
        }
        // Its own step number, now that its dependencies' steps are planned.
        let step = is_step.then_some(steps.len());
        let extraction_order = EXTRACTION_ORDER
            .iter()
            .flat_map(|source| (0..params.len()).filter(move |i| params[*i].source == *source))
            .collect();
        let fields = params
            .iter()
            .map(|param| {
                is_param_field(param).then(|| {
                    self.param_fields.push(ParamField { route, step, param });
                    self.param_fields.len() - 1
                })
            })
            .collect();
        let enum_classes = params
            .iter()
            .map(|param| Some(index_of(&mut self.enum_classes, param.enum_class.as_deref()?)))
            .collect();
        CallablePlan {
            callable,
            extraction_order,
            fields,
            enum_classes,
            dependency_steps,
            children,
        }
    }
}

/// The index of `item` in `list`, appended first if it is not there.
fn index_of<T: PartialEq>(list: &mut Vec<T>, item: T) -> usize {
    match list.iter().position(|known| *known == item) {
        Some(known) => known,
        None => {
            list.push(item);
            list.len() - 1
        }
    }
}

/// What FastAPI's request cache keys a dependency by (`_get_cache_key`):
/// the dependable and its computed scope (`scope=` as given, else
/// "request" for a generator), so `Depends(get_db)` and
/// `Depends(get_db, scope="function")` are two entries.
fn cache_identity(dependency: &crate::ir::Dependency) -> String {
    let scope = dependency.computed_scope().map_or("", DependencyScope::as_str);
    format!("{}|{scope}", dependency.key)
}
