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

/// One question bank of `count` true/false questions. With `duplicates`, every
/// second question repeats the id of the one before it (`count / 2` errors).
pub fn question_bank(count: usize, duplicates: bool) -> Vec<(String, String)> {
    let mut text = String::from(
        "id = \"gen-bank\"\nkind = \"questions\"\n\
         title = { en = \"Generated bank\", zh = \"生成的题库\" }\n",
    );
    for q in 0..count {
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
    // A lesson, so the folder is a lesson folder.
    let mut files = lessons(1, 1);
    files.push(("gen-bank.toml".to_string(), text));
    files
}

/// One lesson whose `errors` steps each name an unknown concept: one error per step,
/// on the line `concepts = [...]` of that step.
pub fn many_errors(errors: usize) -> Vec<(String, String)> {
    let mut text =
        String::from("id = \"gen-errors\"\ntitle = { en = \"Errors\", zh = \"错误\" }\n");
    for s in 0..errors {
        let _ = write!(
            text,
            "\n[[steps]]\ntitle = {{ en = \"Step {s}\", zh = \"第 {s} 步\" }}\n\
             concepts = [\"no.such.concept-{s}\"]\n\
             body = {{ en = \"Text.\", zh = \"文字。\" }}\n"
        );
    }
    vec![("gen-errors.toml".to_string(), text)]
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
