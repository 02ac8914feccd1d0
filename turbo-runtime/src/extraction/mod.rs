//! What a handler's parameters are built from: the request as it arrived
//! (`request`, `request_text`, `form`), scalar parameters parsed and
//! checked as pydantic does (`scalars`, `constraints`), what needs Python
//! (`python_params`, `request_object`), one callable's arguments
//! (`arguments`), FastAPI's 422 error list (`validation_errors`) and why a
//! request is answered before its handler runs (`rejection`).

pub mod arguments;
pub mod constraints;
pub mod form;
pub mod python_params;
pub mod rejection;
pub mod request;
pub mod request_object;
pub mod request_text;
pub mod scalars;
pub mod validation_errors;
