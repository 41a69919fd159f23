//! Generators of big lesson folders, as (file name, contents) pairs for
//! `LessonSet::from_files`: many valid lessons, a question bank with tens of thousands
//! of questions, and a file with thousands of errors. Shared by the loader bench and
//! the big-folder tests; nothing here is committed data.

#![allow(dead_code)]

use std::fmt::Write as _;

/// A concept id the shipped curriculum has (folders without their own curriculum use it).
pub const CONCEPT: &str = "arch.ipc";

/// `lessons` valid lesson files of `steps` steps each.
pub fn lessons(lessons: usize, steps: usize) -> Vec<(String, String)> {
    (0..lessons)
        .map(|l| {
            let mut text = format!(
                "id = \"gen-{l}\"\norder = {l}\n\
                 title = {{ en = \"Lesson {l}\", zh = \"第 {l} 课\" }}\n\
                 summary = {{ en = \"A generated lesson.\", zh = \"生成的课程。\" }}\n"
            );
            for s in 0..steps {
                let _ = write!(
                    text,
                    "\n[[steps]]\n\
                     title = {{ en = \"Step {s}\", zh = \"第 {s} 步\" }}\n\
                     concepts = [\"{CONCEPT}\"]\n\
                     body.en = \"\"\"\nA **socket** is an endpoint; step {s} of lesson {l}.\n\
                     Two programs talk through `connect` and `accept`.\n\"\"\"\n\
                     body.zh = \"\"\"\n**套接字**是一个端点；第 {l} 课第 {s} 步。\n\"\"\"\n\
                     panel = {{ open = \"subnet\", arg = \"192.168.{}.{}/24\" }}\n",
                    s % 256,
                    l % 256
                );
            }
            (format!("gen-{l:04}.toml"), text)
        })
        .collect()
}

/// Questions per generated bank file, and errors per generated lesson file: each
/// file stays under the loader's size limit for one file.
pub const PER_FILE: usize = 1_000;

/// Question banks holding `count` true/false questions, [`PER_FILE`] a file, plus one
/// lesson. With `duplicates`, every second question repeats the id of the one before
/// it in the same file (`count / 2` errors).
pub fn question_bank(count: usize, duplicates: bool) -> Vec<(String, String)> {
    let mut files = lessons(1, 1);
    for (f, start) in (0..count).step_by(PER_FILE).enumerate() {
        let mut text = format!(
            "id = \"gen-bank-{f}\"\nkind = \"questions\"\n\
             title = {{ en = \"Generated bank {f}\", zh = \"生成的题库 {f}\" }}\n"
        );
        for q in start..(start + PER_FILE).min(count) {
            let id = if duplicates { q / 2 } else { q };
            let _ = write!(
                text,
                "\n[[questions]]\nid = \"gen.q{id}\"\ntopic = \"addr\"\nkind = \"true-false\"\n\
                 concepts = [\"{CONCEPT}\"]\n\
                 prompt = {{ en = \"Is 10.0.{}.1 private?\", zh = \"10.0.{}.1 是私有地址吗？\" }}\n\
                 answer = true\n\
                 explanation = {{ en = \"10.0.0.0/8 is private.\", zh = \"10.0.0.0/8 是私有地址。\" }}\n",
                q % 256,
                q % 256
            );
        }
        files.push((format!("gen-bank-{f:03}.toml"), text));
    }
    files
}

/// Lessons whose steps each name an unknown concept, `errors` steps in all and
/// [`PER_FILE`] a file: one error per step, on the line `concepts = [...]` of that
/// step; step `s` names `no.such.concept-s`.
pub fn many_errors(errors: usize) -> Vec<(String, String)> {
    (0..errors)
        .step_by(PER_FILE)
        .enumerate()
        .map(|(f, start)| {
            let mut text =
                format!("id = \"gen-errors-{f}\"\ntitle = {{ en = \"Errors\", zh = \"错误\" }}\n");
            for s in start..(start + PER_FILE).min(errors) {
                let _ = write!(
                    text,
                    "\n[[steps]]\ntitle = {{ en = \"Step {s}\", zh = \"第 {s} 步\" }}\n\
                     concepts = [\"no.such.concept-{s}\"]\n\
                     body = {{ en = \"Text.\", zh = \"文字。\" }}\n"
                );
            }
            (format!("gen-errors-{f:03}.toml"), text)
        })
        .collect()
}

/// Writes each generated folder under `dir` (`lessons-500x20/`, `questions-40k/`,
/// `questions-40k-dup/`, `errors-16k/`), for timing `nettutor lessons check DIR` as a
/// whole process (for example with hyperfine).
pub fn write_all(dir: &std::path::Path) -> std::io::Result<()> {
    let sets = [
        ("lessons-500x20", lessons(500, 20)),
        ("questions-40k", question_bank(40_000, false)),
        ("questions-40k-dup", question_bank(40_000, true)),
        ("errors-16k", many_errors(16_000)),
    ];
    for (name, files) in sets {
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder)?;
        for (file, text) in files {
            std::fs::write(folder.join(file), text)?;
        }
    }
    Ok(())
}
