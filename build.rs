//! Build-time data:
//! - embeds the shipped lesson files: writes a list of (file name, contents) for
//!   every file in `lessons/` that `src/lesson/embedded.rs` includes;
//! - turns the interface strings of `assets/i18n/ui.toml` into a sorted static table
//!   that `src/i18n.rs` includes (see `build/ui_strings.rs`).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

#[path = "build/ui_strings.rs"]
mod ui_strings;

const UI_STRINGS: &str = "assets/i18n/ui.toml";

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap_or_default();
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
