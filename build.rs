//! Build-time data:
//! - checks the shipped lessons, glossary and curriculum in `lessons/` with the
//!   program's own lesson checker and writes them as static data (see
//!   `build/lessons.rs`): no TOML is parsed for them at run time, and a broken
//!   lesson fails the build with file:line;
//! - turns the interface strings of `assets/i18n/ui.toml` into a sorted static table
//!   that `src/i18n.rs` includes (see `build/ui_strings.rs`);
//! - links the binary at a fixed address when the toolchain can (see
//!   `fixed_address_binary`).

use std::env;
use std::fs;
use std::path::Path;

#[path = "build/lessons.rs"]
mod lessons;
#[path = "build/ui_strings.rs"]
mod ui_strings;
// `crate::i18n::Text` for the lesson modules compiled in `lessons`.
#[path = "src/lang.rs"]
#[allow(dead_code)]
mod i18n;

const UI_STRINGS: &str = "assets/i18n/ui.toml";

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap_or_default();
    fixed_address_binary(&out_dir);
    println!("cargo:rerun-if-changed=lessons");
    for file in [
        "build/lessons.rs",
        "src/lang.rs",
        "src/lesson/catalog.rs",
        "src/lesson/codec.rs",
        "src/lesson/error.rs",
        "src/lesson/model.rs",
        "src/lesson/panel_id.rs",
        "src/lesson/question.rs",
        "src/lesson/raw.rs",
        "src/lesson/validate.rs",
    ] {
        println!("cargo:rerun-if-changed={file}");
    }
    match lessons::generate(Path::new("lessons"), "lessons") {
        Ok((structure, texts)) => {
            let dest = Path::new(&out_dir).join("lessons.bin");
            if let Err(err) = fs::write(&dest, structure) {
                fail(&[format!("cannot write {}: {err}", dest.display())]);
            }
            write(&out_dir, "lessons.txt", &texts);
        }
        Err(errors) => fail(&errors),
    }
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
    // A static build (`-C target-feature=+crt-static`) is linked by rustc as
    // static-pie, or with `-C relocation-model=static` as a plain static
    // binary: `-no-pie` on top of the first gives a binary that crashes.
    let features = env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    if features.split(',').any(|f| f == "crt-static") {
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
