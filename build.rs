//! Build-time data:
//! - embeds the shipped lesson files: writes a list of (file name, contents) for
//!   every file in `lessons/` that `src/lesson/embedded.rs` includes;
//! - turns the interface strings of `assets/i18n/ui.toml` into a sorted static table
//!   that `src/i18n.rs` includes (see `build/ui_strings.rs`);
//! - links the binary at a fixed address when the toolchain can (see
//!   `fixed_address_binary`).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

#[path = "build/ui_strings.rs"]
mod ui_strings;

const UI_STRINGS: &str = "assets/i18n/ui.toml";

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap_or_default();
    fixed_address_binary(&out_dir);
    write(&out_dir, "embedded_lessons.rs", &embedded_lessons());
    println!("cargo:rerun-if-changed={UI_STRINGS}");
    println!("cargo:rerun-if-changed=build/ui_strings.rs");
    let source = match fs::read_to_string(UI_STRINGS) {
        Ok(source) => source,
        Err(err) => fail(&[format!("{UI_STRINGS}: cannot read: {err}")]),
    };
    match ui_strings::generate(UI_STRINGS, &source) {
        Ok(code) => write(&out_dir, "ui_strings.rs", &code),
        Err(errors) => fail(&errors),
    }
}

/// The dynamic loader applies ~9,000 relative relocations to a position-
/// independent binary at every start and dirties ~30 pages doing it: a fifth
/// of a `nettutor subnet` run's instructions and a quarter of its page faults.
/// Linked at a fixed address (`-no-pie`) it needs none; shared libraries, the
/// stack and the heap are still placed at random. Used only when a probe
/// program linked that way also runs here (a native Linux build with a C
/// compiler driver that knows the flag); otherwise the usual PIE is built.
fn fixed_address_binary(out_dir: &str) {
    let target = env::var("TARGET").unwrap_or_default();
    if !target.ends_with("linux-gnu") || env::var("HOST").ok().as_deref() != Some(&target) {
        return;
    }
    let dir = Path::new(out_dir);
    let source = dir.join("no_pie_probe.c");
    let program = dir.join("no_pie_probe");
    let flag = "-no-pie";
    let probe = fs::write(&source, "int main(void) { return 0; }\n").is_ok()
        && std::process::Command::new("cc")
            .arg(flag)
            .arg(&source)
            .arg("-o")
            .arg(&program)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        && std::process::Command::new(&program)
            .status()
            .is_ok_and(|s| s.success());
    if probe {
        println!("cargo:rustc-link-arg-bins={flag}");
    }
}

/// Stops the build, one problem per line (cargo shows a failed build script's stderr).
fn fail(errors: &[String]) -> ! {
    for error in errors {
        eprintln!("error: {error}");
    }
    std::process::exit(1);
}

fn write(out_dir: &str, name: &str, contents: &str) {
    let dest = Path::new(out_dir).join(name);
    if let Err(err) = fs::write(&dest, contents) {
        fail(&[format!("cannot write {}: {err}", dest.display())]);
    }
}

fn embedded_lessons() -> String {
    println!("cargo:rerun-if-changed=lessons");
    let dir = Path::new("lessons");
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        println!("cargo:rerun-if-changed=lessons/{name}");
        let abs = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap_or_default())
            .join("lessons")
            .join(name);
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    out
}
