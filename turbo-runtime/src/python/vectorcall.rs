//! Calling a handler with arguments the compiled route table produced,
//! through CPython's vectorcall protocol: the arguments go as one array of
//! pointers, with no argument tuple or keyword dict built per request (as
//! pyo3 does for Rust tuples; the route table's arguments are a slice).
//!
//! Part of the FFI edge, where the runtime's `unsafe` code lives.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use smallvec::SmallVec;

/// `callable(*args[..args.len() - k], **{names[i]: args[len - k + i]})`
/// where `k` is the number of `keyword_names` (keyword arguments follow the
/// positional ones in `args`, as vectorcall wants them).
pub fn call<'py>(
    callable: &Bound<'py, PyAny>,
    args: &[Bound<'py, PyAny>],
    keyword_names: Option<&Bound<'py, PyTuple>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = callable.py();
    let keywords = keyword_names.map_or(0, |names| names.len());
    let Some(positional) = args.len().checked_sub(keywords) else {
        return Err(pyo3::exceptions::PySystemError::new_err(
            "turbo: more keyword names than arguments",
        ));
    };
    // One slot before the arguments, so CPython may borrow it for a bound
    // method's `self` (PY_VECTORCALL_ARGUMENTS_OFFSET).
    let mut pointers: SmallVec<[*mut ffi::PyObject; 9]> = SmallVec::with_capacity(args.len() + 1);
    pointers.push(std::ptr::null_mut());
    pointers.extend(args.iter().map(Bound::as_ptr));
    let names = keyword_names.map_or(std::ptr::null_mut(), Bound::as_ptr);
    // SAFETY: we hold the GIL (`py`); `callable`, every argument and `names`
    // are live objects borrowed for the duration of the call; `pointers[1..]`
    // holds `args.len()` valid pointers and its first slot may be
    // overwritten, as PY_VECTORCALL_ARGUMENTS_OFFSET allows; `names` is null
    // or a tuple of `keywords` strings; the result is a new reference or
    // null with an exception set, which `assume_owned_or_err` turns into
    // `Err`.
    unsafe {
        let result = ffi::PyObject_Vectorcall(
            callable.as_ptr(),
            pointers.as_ptr().add(1),
            positional | ffi::PY_VECTORCALL_ARGUMENTS_OFFSET,
            names,
        );
        Bound::from_owned_ptr_or_err(py, result)
    }
}
