#!/usr/bin/env python3
"""Writes assets/licenses/THIRD-PARTY.md: the licences of the Rust crates compiled
into the nettutor binary, which `nettutor licenses` prints (src/cli/licenses.rs).

Run after changing dependencies (Cargo.toml or Cargo.lock):

    python3 tools/third_party_licenses.py

A test (tests/cli/licenses.rs) fails when the committed file no longer lists
exactly the crates of the binary, with their versions and licences.

Which crates: those of a release build of the binary for x86_64-unknown-linux-gnu,
as cargo's feature resolver sees them (`cargo tree -e normal --target ...`):
 - normal dependencies, transitively; not dev-dependencies (tests, benches) and
   not build-dependencies (build scripts run on the build machine only);
 - proc-macro crates are listed (the code they write is compiled into the
   binary) but not their own dependencies (syn, quote, ... run inside the
   compiler only, like build-dependencies).
`cargo metadata` alone is not enough for the set: its resolve graph also holds
optional dependencies that are only named by weak features (`dep?/feature`) and
are never built (termwiz, ring, ...). It gives each crate's licence expression,
authors and source directory, from which the licence and notice files are read
(LICENSE*, LICENCE*, COPYING*, NOTICE*, UNLICENSE*, COPYRIGHT*, and the
manifest's `license-file`).

Each distinct text is printed once: its copyright lines (`Copyright (c) 2019 ...`)
are taken out and listed per crate, the rest compared with whitespace collapsed.
A crate that ships no licence file is named as such, and the standard text of
its licence is printed from assets/licenses/ (MIT.txt, Apache-2.0.txt; add the
SPDX text there if a new crate needs another one). The output names crates only,
never a path of the machine that ran the script.
"""
import json
import os
import re
import subprocess
import sys

TARGET = "x86_64-unknown-linux-gnu"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "assets", "licenses", "THIRD-PARTY.md")
STANDARD = os.path.join(ROOT, "assets", "licenses")
# The SPDX identifiers whose standard text is in assets/licenses/<id>.txt.
STANDARD_IDS = ["MIT", "Apache-2.0"]
PREFIXES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "UNLICENSE", "COPYRIGHT")
# A copyright line: "Copyright (c) 2019 ...", "Copyright 2019 ...", "Copyright The
# ... Developers", "© 2019 ...", also behind a comment marker; not the licences'
# own sentences ("copyright license to reproduce", "Copyright notice").
COPYRIGHT = re.compile(
    r"^\s*(//+|#+|\*)?\s*((Copyright|COPYRIGHT)(\s*(\([cC]\)|©|\d)|\s+[A-Z]|:)|\([cC]\)\s*\d|©)"
)
# Template lines of a licence (Apache's appendix) stay in its text.
PLACEHOLDER = re.compile(r"\[yyyy\]|\{yyyy\}|<year>|\[year\]|\{year\}", re.IGNORECASE)
# The template sentence "COPYRIGHT AND PERMISSION NOTICE" (Unicode) is a title.
TITLE_ONLY = re.compile(r"^\s*copyright (notice|and permission)", re.IGNORECASE)


def cargo(*args):
    return subprocess.run(
        ["cargo", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def binary_crates():
    """(name, version) of every crate of the binary (see the module doc)."""
    tree = cargo(
        "tree", "--locked", "-e", "normal", "--target", TARGET,
        "--prefix", "depth", "--no-dedupe", "--format", "{p}",
    )
    crates = set()
    skip_below = None  # depth of the proc-macro whose dependencies are skipped
    for line in tree.splitlines():
        m = re.match(r"^(\d+)(\S+) v(\S+)(.*)$", line)
        if not m:
            continue
        depth, name, version, rest = int(m[1]), m[2], m[3], m[4]
        if skip_below is not None and depth > skip_below:
            continue
        skip_below = None
        if depth == 0:
            continue
        crates.add((name, version))
        if "(proc-macro)" in rest:
            skip_below = depth
    return crates


def is_licence_file(name):
    upper = name.upper()
    return upper.startswith(PREFIXES)


def licence_files(package):
    """[(file name, text)] of a crate's licence and notice files, sorted."""
    folder = os.path.dirname(package["manifest_path"])
    names = {n for n in os.listdir(folder)
             if is_licence_file(n) and os.path.isfile(os.path.join(folder, n))}
    if package.get("license_file"):
        names.add(os.path.normpath(package["license_file"]))
    files = []
    for name in sorted(names):
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
            files.append((name.replace(os.sep, "/"), f.read()))
    return files


def split_copyright(text):
    """(copyright lines, the text without them)."""
    lines, body = [], []
    for line in text.splitlines():
        if COPYRIGHT.match(line) and not PLACEHOLDER.search(line) and not TITLE_ONLY.match(line):
            lines.append(line.strip())
        else:
            body.append(line.rstrip())
    return lines, "\n".join(body).strip("\n")


def key(body):
    return " ".join(body.split())


def fence(text):
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}text\n{text}\n{ticks}"


def main():
    crates = binary_crates()
    meta = json.loads(cargo(
        "metadata", "--format-version", "1", "--locked", "--filter-platform", TARGET,
    ))
    packages = {}
    for p in meta["packages"]:
        if (p["name"], p["version"]) in crates:
            packages[(p["name"], p["version"])] = p
    missing = crates - packages.keys()
    if missing:
        sys.exit(f"cargo metadata lacks {sorted(missing)}")

    def version_key(version):
        return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.split(r"[.+-]", version)]

    order = sorted(packages, key=lambda k: (k[0], version_key(k[1])))
    # Distinct texts, in the order of the first crate (by name) that ships them.
    texts = {}  # key -> {"body", "users": [(crate, file, copyright lines)]}
    no_file = []
    for k in order:
        p = packages[k]
        files = licence_files(p)
        if not files:
            no_file.append(p)
        for name, text in files:
            lines, body = split_copyright(text)
            entry = texts.setdefault(key(body), {"body": body, "users": []})
            entry["users"].append((p, name, lines))
    standard = {}
    for spdx in STANDARD_IDS:
        with open(os.path.join(STANDARD, f"{spdx}.txt"), encoding="utf-8") as f:
            standard[spdx] = f.read().strip("\n")
    for p in no_file:
        ids = set(re.findall(r"[A-Za-z0-9.+-]+", (p["license"] or "").replace("/", " OR ")))
        ids -= {"OR", "AND", "WITH"}
        unknown = ids - set(STANDARD_IDS)
        if unknown or not ids:
            sys.exit(f"{p['name']} {p['version']} ships no licence file and is under "
                     f"{p['license']}: add the SPDX text of {sorted(unknown)} to assets/licenses/")
        for spdx in sorted(ids, key=STANDARD_IDS.index):
            lines, body = split_copyright(standard[spdx])
            entry = texts.setdefault(key(body), {"body": body, "users": []})
            entry["users"].append((p, f"no licence file: the standard {spdx} text", []))

    out = []
    out.append("# Third-party licences of the nettutor binary\n")
    out.append(
        f"The {len(order)} Rust crates compiled into the `nettutor` binary (release build for\n"
        f"{TARGET}: normal dependencies, proc-macros included, no dev- or build-only\n"
        "dependencies), their licences, and the licence and notice texts they ship.\n"
        "Each distinct text is printed once; the copyright lines of each crate's files are\n"
        "listed above the text.\n\n"
        "Generated by `python3 tools/third_party_licenses.py`; do not edit by hand.\n"
    )
    out.append("## Crates\n")
    out.append("| Crate | Version | Licence |")
    out.append("|---|---|---|")
    for k in order:
        p = packages[k]
        licence = p["license"] or f"none declared (licence file: {p['license_file']})"
        out.append(f"| {p['name']} | {p['version']} | {licence} |")
    out.append("")
    if no_file:
        out.append("## Crates that ship no licence file\n")
        out.append("Their package carries no licence text; the standard text of their licence is\n"
                   "printed below, with their authors as the copyright holders.\n")
        for p in no_file:
            authors = ", ".join(p["authors"]) or "not named in its manifest"
            out.append(f"- {p['name']} {p['version']} ({p['license']}): authors {authors}; "
                       f"source {p['repository'] or 'https://crates.io/crates/' + p['name']}")
        out.append("")
    # MPL-2.0 (file-level copyleft) asks an executable's recipients be told where
    # the covered files' source is; not needed where another licence can be chosen.
    copyleft = [packages[k] for k in order
                if "MPL" in (packages[k]["license"] or "") and " OR " not in packages[k]["license"]]
    if copyleft:
        out.append("## Source code of the MPL-2.0 crates\n")
        out.append("The Mozilla Public License 2.0 covers these crates' files, which nettutor uses\n"
                   "unmodified; their source code is available at:\n")
        for p in copyleft:
            out.append(f"- {p['name']} {p['version']}: https://crates.io/crates/{p['name']}/"
                       f"{p['version']} ({p['repository']})")
        out.append("")
    out.append("## Licence texts\n")
    for n, entry in enumerate(texts.values(), 1):
        first = next((l.strip() for l in entry["body"].splitlines() if l.strip()), "")
        out.append(f"### Text {n}: {first}\n")
        out.append("Shipped by:\n")
        for p, name, lines in entry["users"]:
            out.append(f"- {p['name']} {p['version']} ({name})")
            for line in lines:
                out.append(f"  - {line}")
        out.append("")
        out.append(fence(entry["body"]))
        out.append("")
    result = "\n".join(out).rstrip("\n") + "\n"
    for home in {os.path.expanduser("~"), ROOT}:
        if home and home != "/" and home in result:
            sys.exit(f"the output would contain a path of this machine ({home})")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(result)
    print(f"{os.path.relpath(OUT, ROOT)}: {len(order)} crates, {len(texts)} distinct texts")


if __name__ == "__main__":
    main()
