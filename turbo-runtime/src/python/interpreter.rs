//! Starting CPython with an explicit configuration (PyConfig).
//!
//! Left to itself, an embedded CPython finds its standard library from the
//! first `python3` on `PATH` (CPython's `getpath`): under a systemd unit,
//! in a container or with another Python installed, that is the wrong
//! interpreter and start-up fails (`No module named 'math'`). The server
//! instead sets the interpreter's home to the one it was built against
//! (recorded at build time), unless `--python-home` (or
//! `TURBO_PYTHON_HOME`) names another; `PATH`, the working directory and
//! `PYTHONHOME` do not matter. Other `PYTHON*` variables are honoured as
//! by `python3`. CPython's signal handlers are not installed: the server
//! handles signals itself (`server/shutdown.rs`).

use std::ffi::{CStr, CString};
use std::mem::MaybeUninit;
use std::path::Path;

use pyo3::ffi;

/// The home of the interpreter the server was built against (`sys.base_prefix`).
pub const BUILD_HOME: &str = env!("TURBO_PYTHON_HOME");
/// Its executable, given to Python as `sys.executable` when it exists.
const BUILD_EXECUTABLE: &str = env!("TURBO_PYTHON_EXECUTABLE");

/// Initialises CPython with `home` as its prefix, then releases the GIL
/// (as pyo3's own initialisation does). Returns why it could not start.
pub fn initialize(home: &Path) -> Result<(), String> {
    let home = CString::new(home.as_os_str().as_encoded_bytes())
        .map_err(|_| format!("the Python home {} contains a NUL byte", home.display()))?;
    let executable = Some(BUILD_EXECUTABLE)
        .filter(|path| Path::new(path).is_file())
        .and_then(|path| CString::new(path).ok());
    // SAFETY: called once, on the main thread, before anything else uses
    // Python (pyo3's `Python::initialize` then finds it initialised). The
    // config is initialised by `PyConfig_InitPythonConfig` before any field
    // is read or set, strings are set through `PyConfig_SetBytesString`
    // (which copies them), and `PyConfig_Clear` frees it on every path.
    // `PyEval_SaveThread` releases the GIL the initialising thread holds,
    // keeping its thread state for later attaches.
    unsafe {
        let mut config = MaybeUninit::<ffi::PyConfig>::uninit();
        ffi::PyConfig_InitPythonConfig(config.as_mut_ptr());
        let mut config = config.assume_init();
        config.install_signal_handlers = 0;
        config.parse_argv = 0;
        let configured = status(ffi::PyConfig_SetBytesString(
            &mut config,
            &mut config.home,
            home.as_ptr(),
        ))
        .and_then(|()| match &executable {
            Some(executable) => status(ffi::PyConfig_SetBytesString(
                &mut config,
                &mut config.executable,
                executable.as_ptr(),
            )),
            None => Ok(()),
        });
        let started = configured.and_then(|()| status(ffi::Py_InitializeFromConfig(&config)));
        ffi::PyConfig_Clear(&mut config);
        started?;
        ffi::PyEval_SaveThread();
    }
    Ok(())
}

/// A `PyStatus` as a result, with CPython's message.
///
/// # Safety
/// `status` comes from a CPython call (its message, if any, is a static
/// C string).
unsafe fn status(status: ffi::PyStatus) -> Result<(), String> {
    // SAFETY: per this function's contract.
    unsafe {
        if ffi::PyStatus_Exception(status) == 0 {
            return Ok(());
        }
        let message = if status.err_msg.is_null() {
            "unknown error".to_owned()
        } else {
            CStr::from_ptr(status.err_msg).to_string_lossy().into_owned()
        };
        Err(format!("cannot start Python: {message}"))
    }
}
