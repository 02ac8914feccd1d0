//! Start-up check of the routes the app registered against the compiled
//! table. The compiler reads the source; the app, imported at start-up,
//! says what it really registered (a router included under an `if`, a
//! prefix from an environment variable). The server serves the compiled
//! routes the app registered and nothing else, and refuses to start when
//! the two disagree in a way only a rebuild can fix.

use crate::spec::HandlerSpec;

/// One route as the app registered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub methods: Vec<String>,
    pub path: String,
    /// The endpoint's `__module__` and `__qualname__`.
    pub module: String,
    pub qualname: String,
    pub is_async: bool,
}

impl Registered {
    fn is(&self, spec: &HandlerSpec) -> bool {
        self.same_endpoint(spec) && self.path == spec.path && self.methods.iter().eq(spec.methods.iter())
    }

    fn same_endpoint(&self, spec: &HandlerSpec) -> bool {
        self.module == spec.module && self.qualname == spec.name
    }

    fn describe(&self) -> String {
        format!(
            "{} {} (`{}` in {})",
            self.methods.join(","),
            self.path,
            self.qualname,
            self.module
        )
    }
}

fn describe(spec: &HandlerSpec) -> String {
    format!(
        "{} {} (`{}` in {}, line {})",
        spec.methods.join(","),
        spec.path,
        spec.name,
        spec.module,
        spec.line
    )
}

const REBUILD: &str = "rebuild the server with `turbo build` so it serves what the app registers";

/// For each compiled route, the index of the registered route it is, or
/// `None` for a conditional route the app did not register. Both lists are
/// in matching order, so the match is in order too.
pub fn match_routes(
    compiled: &[HandlerSpec],
    registered: &[Registered],
) -> Result<Vec<Option<usize>>, String> {
    let mut matched = Vec::with_capacity(compiled.len());
    let mut next = 0;
    for spec in compiled {
        let candidate = registered.get(next);
        match candidate {
            Some(route) if route.is(spec) => {
                if route.is_async != spec.is_async {
                    return Err(format!(
                        "route {} is {} at run time but was compiled as {}; {REBUILD}",
                        describe(spec),
                        if route.is_async { "`async def`" } else { "`def`" },
                        if spec.is_async { "`async def`" } else { "`def`" },
                    ));
                }
                matched.push(Some(next));
                next += 1;
            }
            Some(route) if route.same_endpoint(spec) => {
                return Err(format!(
                    "the app registered route {} where this server was compiled with {}; {REBUILD}",
                    route.describe(),
                    describe(spec)
                ));
            }
            _ if spec.conditional => matched.push(None),
            Some(route) => {
                return Err(format!(
                    "the app registered route {} where this server was compiled with {}; {REBUILD}",
                    route.describe(),
                    describe(spec)
                ))
            }
            None => {
                return Err(format!(
                    "the app did not register route {}, which this server was compiled with; {REBUILD}",
                    describe(spec)
                ))
            }
        }
    }
    if let Some(extra) = registered.get(next) {
        return Err(format!(
            "the app registered route {}, which this server was not compiled with; {REBUILD}",
            extra.describe()
        ));
    }
    Ok(matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(path: &'static str, name: &'static str, conditional: bool) -> HandlerSpec {
        HandlerSpec {
            module: "app.routes",
            name,
            is_async: false,
            line: 3,
            python_response: false,
            methods: &["GET"],
            path,
            conditional,
        }
    }

    fn registered(path: &str, name: &str) -> Registered {
        Registered {
            methods: vec!["GET".to_owned()],
            path: path.to_owned(),
            module: "app.routes".to_owned(),
            qualname: name.to_owned(),
            is_async: false,
        }
    }

    #[test]
    fn conditional_routes_the_app_skipped_are_not_served() {
        let compiled = [
            spec("/a", "a", false),
            spec("/b", "b", true),
            spec("/c", "c", false),
        ];
        let matched = match_routes(&compiled, &[registered("/a", "a"), registered("/c", "c")]).unwrap();
        assert_eq!(matched, vec![Some(0), None, Some(1)]);
        let all = [
            registered("/a", "a"),
            registered("/b", "b"),
            registered("/c", "c"),
        ];
        assert_eq!(
            match_routes(&compiled, &all).unwrap(),
            vec![Some(0), Some(1), Some(2)]
        );
    }

    #[test]
    fn a_changed_prefix_names_both_paths() {
        let compiled = [spec("/api/v1/items", "items", false)];
        let err = match_routes(&compiled, &[registered("/api/v2/items", "items")]).unwrap_err();
        assert!(err.contains("GET /api/v2/items (`items` in app.routes)"), "{err}");
        assert!(
            err.contains("GET /api/v1/items (`items` in app.routes, line 3)"),
            "{err}"
        );
        assert!(err.contains("turbo build"), "{err}");
        // Even when the compiled route was conditional.
        let compiled = [spec("/api/v1/items", "items", true)];
        assert!(match_routes(&compiled, &[registered("/api/v2/items", "items")]).is_err());
    }

    #[test]
    fn missing_and_extra_routes_are_refused() {
        let compiled = [spec("/a", "a", false)];
        let err = match_routes(&compiled, &[]).unwrap_err();
        assert!(err.contains("did not register route GET /a"), "{err}");
        let err = match_routes(&compiled, &[registered("/a", "a"), registered("/x", "x")]).unwrap_err();
        assert!(err.contains("not compiled with"), "{err}");
        let mut async_route = registered("/a", "a");
        async_route.is_async = true;
        assert!(match_routes(&compiled, &[async_route])
            .unwrap_err()
            .contains("`async def`"));
    }
}
