//! Records where the Python that pyo3 links against keeps its shared
//! library and packages, for the servers built on this runtime.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    println!("cargo:rerun-if-env-changed=VIRTUAL_ENV");
    let config = pyo3_build_config::get();
    if let Some(lib_dir) = config.lib_dir() {
        // Dependents (generated crates) read this as DEP_TURBO_RUNTIME_PYTHON_LIB_DIR
        // and set it as their rpath, so the binary finds libpython without
        // LD_LIBRARY_PATH.
        println!("cargo:python_lib_dir={lib_dir}");
        // Our own unit-test binaries need it too.
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib_dir}");
    }
    let python = config.executable().unwrap_or("python3").to_owned();
    let site_dirs = Command::new(&python)
        .args([
            "-c",
            "import site, sys; print(';'.join(site.getsitepackages() + [site.getusersitepackages()]))",
        ])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    println!("cargo:rustc-env=TURBO_PYTHON_SITE_DIRS={site_dirs}");
    // The interpreter's home (its stdlib), so the server finds it wherever
    // it runs, whatever `python3` is first on PATH there.
    let home = Command::new(&python)
        .args(["-c", "import sys; print(sys.base_prefix)"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    println!("cargo:rustc-env=TURBO_PYTHON_HOME={home}");
    println!("cargo:rustc-env=TURBO_PYTHON_EXECUTABLE={python}");
    // For `--version`.
    println!(
        "cargo:rustc-env=TURBO_PYTHON_VERSION={}.{}",
        config.version().major,
        config.version().minor
    );
}
