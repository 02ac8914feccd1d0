//! `--openapi`: import the app, print its OpenAPI document (FastAPI's
//! `app.openapi()`, as `/openapi.json` serves it, indented) and exit without
//! serving. `turbo openapi` runs this to write or check the schema in CI.

use std::process::ExitCode;

use pyo3::prelude::*;

use crate::python::{calls, startup};
use crate::routing::Router;
use crate::spec::AppSpec;

pub fn print(
    app: &'static AppSpec,
    router: &'static Router,
    environment: &startup::Environment<'_>,
) -> ExitCode {
    if let Err(message) = startup::load(app, router.routes, environment) {
        eprintln!("turbo: error: {message}");
        return ExitCode::FAILURE;
    }
    let printed = Python::attach(|py| -> PyResult<String> {
        let (application, _) = calls::application(py, 0);
        let document = application.call_method0("openapi")?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("indent", 2)?;
        kwargs.set_item("ensure_ascii", false)?;
        py.import("json")?
            .call_method("dumps", (document,), Some(&kwargs))?
            .extract()
    });
    match printed {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            Python::attach(|py| calls::print_exception(py, &err));
            eprintln!("turbo: error: the app's OpenAPI document could not be generated (traceback above)");
            ExitCode::FAILURE
        }
    }
}
