//! Planning: the pass between validation and emission that decides, once,
//! what the emitter writes out: per route, the order its parameters are
//! extracted in (FastAPI's error order) and where each lands in the tables
//! the runtime builds at start-up (body plans, parameters pydantic
//! validates, `Enum` classes). The emitter reads a [`Plan`] and never
//! rescans the IR or matches items by identity.

use crate::ir::{App, Dependency, DependencyScope, Handler, Param, ParamType, Route, Source};

/// What the emitter writes for an app.
pub struct Plan<'a> {
    pub routes: Vec<RoutePlan<'a>>,
    /// `AppSpec::body_plans`: routes with body parameters (in the handler
    /// or in dependencies).
    pub body_plans: Vec<BodyPlan<'a>>,
    /// `AppSpec::param_fields`: parameters pydantic validates from text,
    /// with their route and the dependency step declaring them (`None`:
    /// the handler).
    pub param_fields: Vec<ParamField<'a>>,
    /// `AppSpec::enum_classes`: qualified names, in first-use order.
    pub enum_classes: Vec<&'a str>,
}

/// A route's body parameters, by the callable declaring them, in
/// FastAPI's flat order (`_get_flat_body_params`: a callable's own, then
/// each dependency's, depth first). Whether the body is embedded is
/// decided over all of them; each callable's are validated when it is
/// solved (FastAPI's order of errors).
pub struct BodyPlan<'a> {
    pub route: usize,
    pub parts: Vec<BodyPart<'a>>,
}

/// The body parameters of one callable of a route.
pub struct BodyPart<'a> {
    /// The dependency step (`None`: the handler).
    pub step: Option<usize>,
    pub names: Vec<&'a str>,
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
    /// Steps calling the same dependable share a key (the request's cache):
    /// FastAPI's `_get_cache_key`.
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
    /// Index into its route's [`BodyPlan::parts`], if it has body parameters.
    pub body_part: Option<usize>,
    /// What a `SecurityScopes` parameter receives: the OAuth2 scopes of
    /// the `Security()` calls above it (FastAPI's `_get_oauth_scopes`).
    pub security_scopes: Vec<String>,
}

/// The order sources are extracted in.
const EXTRACTION_ORDER: [Source; 11] = [
    Source::Path,
    Source::Query,
    Source::Header,
    Source::Cookie,
    Source::Body,
    Source::Request,
    Source::Response,
    Source::SecurityScopes,
    Source::BackgroundTasks,
    Source::WebSocket,
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
        let mut steps = Vec::new();
        let mut cache_keys: Vec<String> = Vec::new();
        let mut handler = plan.callable(index, None, &route.handler, &[], &mut steps, &mut cache_keys);
        let body_plan = plan.body_plan(index, &mut handler, &mut steps);
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
    /// own. `dependency`: the `Depends()` it is called for (it is pushed as
    /// the next step by the caller), `None` for the handler; `parent_scopes`:
    /// the OAuth2 scopes of the `Security()` calls above it.
    fn callable(
        &mut self,
        route: usize,
        dependency: Option<&'a Dependency>,
        callable: &'a Handler,
        parent_scopes: &[String],
        steps: &mut Vec<Step<'a>>,
        cache_keys: &mut Vec<String>,
    ) -> CallablePlan<'a> {
        let params = &callable.params;
        let own_scopes = dependency.map_or(&[][..], |d| &d.scopes[..]);
        // What its sub-dependencies get as parent scopes: FastAPI's
        // `current_scopes`, a plain concatenation.
        let current_scopes: Vec<String> = parent_scopes.iter().chain(own_scopes).cloned().collect();
        let mut dependency_steps = vec![None; params.len()];
        let mut children = Vec::new();
        for dependency in &callable.dependencies {
            let sub = self.callable(
                route,
                Some(dependency),
                &dependency.callable,
                &current_scopes,
                steps,
                cache_keys,
            );
            let cache_key = index_of(cache_keys, cache_identity(dependency, &sub.security_scopes));
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
        let step = dependency.map(|_| steps.len());
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
            body_part: None,
            security_scopes: oauth_scopes(parent_scopes, own_scopes),
        }
    }

    /// The route's body plan, if any callable of it has body parameters,
    /// with each such callable's part recorded in its plan.
    fn body_plan(
        &mut self,
        route: usize,
        handler: &mut CallablePlan<'a>,
        steps: &mut [Step<'a>],
    ) -> Option<usize> {
        // `_get_flat_body_params`: a callable's own, then each child's, depth first.
        let mut order = Vec::new();
        let mut pending = vec![None];
        while let Some(step) = pending.pop() {
            order.push(step);
            let plan = step.map_or(&*handler, |s: usize| &steps[s].callable);
            pending.extend(plan.children.iter().rev().map(|child| Some(*child)));
        }
        let mut parts = Vec::new();
        for step in order {
            let plan = match step {
                Some(step) => &mut steps[step].callable,
                None => &mut *handler,
            };
            let names: Vec<&'a str> = plan
                .callable
                .params
                .iter()
                .filter(|p| p.source == Source::Body)
                .map(|p| p.name.as_str())
                .collect();
            if !names.is_empty() {
                plan.body_part = Some(parts.len());
                parts.push(BodyPart { step, names });
            }
        }
        (!parts.is_empty()).then(|| {
            self.body_plans.push(BodyPlan { route, parts });
            self.body_plans.len() - 1
        })
    }
}

/// FastAPI's `_get_oauth_scopes`: the parent's scopes, then its own not
/// already among them.
fn oauth_scopes(parent: &[String], own: &[String]) -> Vec<String> {
    let mut scopes = parent.to_vec();
    for scope in own {
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    scopes
}

/// FastAPI's `_uses_scopes`: whether the scopes are part of a dependency's
/// cache key (it declares scopes, reads `SecurityScopes`, is a security
/// scheme, or one of its dependencies does).
fn uses_scopes(dependency: &Dependency) -> bool {
    let callable = &dependency.callable;
    !dependency.scopes.is_empty()
        || callable.security_scheme
        || callable.params.iter().any(|p| p.source == Source::SecurityScopes)
        || callable.dependencies.iter().any(uses_scopes)
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
/// the dependable, its OAuth2 scopes (sorted, without repeats) if it uses
/// them, and its computed scope (`scope=` as given, else "request" for a
/// generator), so `Depends(get_db)` and `Depends(get_db, scope="function")`
/// are two entries.
fn cache_identity(dependency: &Dependency, oauth_scopes: &[String]) -> String {
    let scope = dependency.computed_scope().map_or("", DependencyScope::as_str);
    let mut scopes: Vec<&str> = Vec::new();
    if uses_scopes(dependency) {
        scopes = oauth_scopes.iter().map(String::as_str).collect();
        scopes.sort_unstable();
        scopes.dedup();
    }
    format!("{}|{}|{scope}", dependency.key, scopes.join(" "))
}
