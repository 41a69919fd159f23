//! `nettutor licenses` lists exactly the crates compiled into the binary, with
//! the versions and licences of Cargo.lock: the list (assets/licenses/THIRD-PARTY.md,
//! written by tools/third_party_licenses.py) goes stale whenever a dependency
//! changes, and this test says so.
//!
//! The crates of the binary come from cargo's feature resolver, as the script
//! takes them: `cargo tree -e normal` for x86_64-unknown-linux-gnu, proc-macros
//! listed but not their own dependencies (they run inside the compiler, like
//! build-dependencies). Not `cargo metadata`'s resolve graph: that one also
//! holds optional dependencies named only by weak features (`dep?/feature`),
//! which are never built.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::run::nettutor;
use crate::common::skip;

const REGENERATE: &str = "python3 tools/third_party_licenses.py";
const TARGET: &str = "x86_64-unknown-linux-gnu";

/// (name, version, licence expression as in the crate's manifest, "" when it
/// declares a licence file instead) of every crate of the binary, or why cargo
/// could not tell.
fn binary_crates() -> Result<BTreeSet<(String, String, String)>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
    let out = Command::new(&cargo)
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--target",
            TARGET,
        ])
        .args(["--prefix", "depth", "--no-dedupe", "--format", "{p}|{l}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("cargo tree --offline failed: {}", err.trim()));
    }
    let mut crates = BTreeSet::new();
    // Depth of the proc-macro whose dependencies are being skipped.
    let mut skip_below = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let digits = line.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
        let Ok(depth) = line[..digits].parse::<usize>() else {
            continue;
        };
        if skip_below.is_some_and(|d| depth > d) {
            continue;
        }
        skip_below = None;
        let (package, licence) = line[digits..].split_once('|').unwrap();
        let mut words = package.split(' ');
        let (name, version) = (words.next().unwrap(), words.next().unwrap());
        if depth == 0 {
            continue;
        }
        let version = version.strip_prefix('v').unwrap();
        crates.insert((name.to_owned(), version.to_owned(), licence.to_owned()));
        if package.ends_with("(proc-macro)") {
            skip_below = Some(depth);
        }
    }
    Ok(crates)
}

/// The rows `| crate | version | licence |` of the printed crates table.
fn printed_crates(text: &str) -> BTreeSet<(String, String, String)> {
    let table = text
        .split_once("| Crate | Version | Licence |")
        .expect("the crates table")
        .1;
    table
        .lines()
        .skip(2) // the rest of the header line and |---|
        .take_while(|l| l.starts_with("| "))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 3, "row {l:?}");
            let licence = if cells[2].starts_with("none declared") {
                ""
            } else {
                cells[2]
            };
            (cells[0].to_owned(), cells[1].to_owned(), licence.to_owned())
        })
        .collect()
}

#[test]
fn licenses_lists_exactly_the_crates_of_the_binary() {
    let name = "licenses_lists_exactly_the_crates_of_the_binary";
    let expected = match binary_crates() {
        Ok(c) => c,
        Err(reason) => return skip(name, &reason),
    };
    let (code, out, err) = nettutor(&["licenses"]);
    assert_eq!(code, 0, "{err}");
    let own = format!("nettutor {} is licensed under", env!("CARGO_PKG_VERSION"));
    assert!(
        out.starts_with(&own),
        "its own licence first: {:?}",
        &out[..80]
    );
    let printed = printed_crates(&out);
    let show = |set: Vec<&(String, String, String)>| {
        set.iter()
            .map(|(n, v, l)| format!("  {n} {v} ({l})"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let missing: Vec<_> = expected.difference(&printed).collect();
    let extra: Vec<_> = printed.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "assets/licenses/THIRD-PARTY.md is stale; regenerate it with `{REGENERATE}`.\n\
         In the binary but not listed:\n{}\nListed but not in the binary:\n{}",
        show(missing),
        show(extra),
    );
    assert!(expected.len() > 100, "{} crates", expected.len());
}
