//! Planning: the pass between validation and emission that decides, once,
//! what the emitter writes out: per route, the order its parameters are
//! extracted in (FastAPI's error order) and where each lands in the tables
//! the runtime builds at start-up (body plans, parameters pydantic
//! validates, `Enum` classes). The emitter reads a [`Plan`] and never
//! rescans the IR or matches items by identity.

use crate::ir::{App, Param, ParamType, Route, Source};

/// What the emitter writes for an app.
pub struct Plan<'a> {
    pub routes: Vec<RoutePlan<'a>>,
    /// `AppSpec::body_plans`: routes with body parameters, their names.
    pub body_plans: Vec<(usize, Vec<&'a str>)>,
    /// `AppSpec::param_fields`: parameters pydantic validates from text.
    pub param_fields: Vec<(usize, &'a Param)>,
    /// `AppSpec::enum_classes`: qualified names, in first-use order.
    pub enum_classes: Vec<&'a str>,
}

/// One route's plan.
pub struct RoutePlan<'a> {
    pub index: usize,
    pub route: &'a Route,
    /// Parameter indices in FastAPI's error order: path, query, header,
    /// cookie, body; `Request` and `Response` (which cannot fail) last.
    pub extraction_order: Vec<usize>,
    /// Index into [`Plan::body_plans`], for a route with body parameters.
    pub body_plan: Option<usize>,
    /// Per parameter (signature order): its index into [`Plan::param_fields`].
    pub fields: Vec<Option<usize>>,
    /// Per parameter (signature order): its index into [`Plan::enum_classes`].
    pub enum_classes: Vec<Option<usize>>,
}

/// The order sources are extracted in.
const EXTRACTION_ORDER: [Source; 7] = [
    Source::Path,
    Source::Query,
    Source::Header,
    Source::Cookie,
    Source::Body,
    Source::Request,
    Source::Response,
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
        let params = &route.handler.params;
        let extraction_order = EXTRACTION_ORDER
            .iter()
            .flat_map(|source| (0..params.len()).filter(move |i| params[*i].source == *source))
            .collect();
        let body: Vec<&str> = params
            .iter()
            .filter(|p| p.source == Source::Body)
            .map(|p| p.name.as_str())
            .collect();
        let body_plan = (!body.is_empty()).then(|| {
            plan.body_plans.push((index, body));
            plan.body_plans.len() - 1
        });
        let fields = params
            .iter()
            .map(|param| {
                is_param_field(param).then(|| {
                    plan.param_fields.push((index, param));
                    plan.param_fields.len() - 1
                })
            })
            .collect();
        let enum_classes = params
            .iter()
            .map(|param| {
                let class = param.enum_class.as_deref()?;
                Some(match plan.enum_classes.iter().position(|c| *c == class) {
                    Some(known) => known,
                    None => {
                        plan.enum_classes.push(class);
                        plan.enum_classes.len() - 1
                    }
                })
            })
            .collect();
        plan.routes.push(RoutePlan {
            index,
            route,
            extraction_order,
            body_plan,
            fields,
            enum_classes,
        });
    }
    plan
}
