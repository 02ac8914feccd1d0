//! The modules of turbo's Python package whose classes an app uses as
//! dependables: `fastapi.security`'s schemes (`OAuth2PasswordBearer(...)`
//! called with the request) and forms (`OAuth2PasswordRequestForm`, a
//! class of `Form()` parameters). The compiler lowers their `__call__`
//! and `__init__` from the very source the server embeds
//! (`turbo_contract::PYTHON_PACKAGE`), so the two cannot disagree.

use super::Module;
use crate::parse;
use crate::source::Files;

/// The package turbo reads dependables from; `fastapi.security...` names
/// resolve here ([`crate::imports::canonical_external`]).
pub const PACKAGE: &str = "turboapi.security";

/// How their files are named in diagnostics (never on disk).
pub const FILE_PREFIX: &str = "<turbo>/";

/// Parses the provided modules. They are turbo's own source: a parse
/// error is a bug, reported by the test below, and skipped here.
pub fn parse(files: &mut Files) -> Vec<Module> {
    turbo_contract::PYTHON_PACKAGE
        .iter()
        .filter(|(name, _, _)| *name == PACKAGE || name.starts_with(&format!("{PACKAGE}.")))
        .filter_map(|(name, is_package, source)| {
            let path = name.replace('.', "/");
            let display = match is_package {
                true => format!("{FILE_PREFIX}{path}/__init__.py"),
                false => format!("{FILE_PREFIX}{path}.py"),
            };
            let file = files.add(display, *source);
            let stmts = parse::parse_module(files.get(file)).ok()?;
            Some(Module {
                name: (*name).to_owned(),
                file,
                is_package: *is_package,
                stmts,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provided_module_parses() {
        let mut files = Files::default();
        let parsed = parse(&mut files);
        let expected = turbo_contract::PYTHON_PACKAGE
            .iter()
            .filter(|(name, _, _)| name.starts_with(PACKAGE))
            .count();
        assert!(expected >= 7, "turboapi.security and its modules");
        assert_eq!(parsed.len(), expected);
    }
}
