//! One Chinese term per concept: the glossary records, for each concept whose
//! Chinese name drifts between texts, the chosen (textbook) term and the rejected
//! variants; no shipped lesson, question bank, UI string or generated question
//! may use a rejected variant, except where a lesson quotes the course notes'
//! own words (the allow-list below, each entry checked to still be needed).

use std::path::{Path, PathBuf};

use nettutor::lesson::{Glossary, LessonSet, QuestionKind};
use nettutor::quiz::generators;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// (file, passage): a passage that may contain a rejected variant because it
/// quotes course notes. The variant is allowed only inside the passage.
const QUOTING_COURSE_NOTES: &[(&str, &str)] = &[
    ("lessons/27-sticky.toml", "课程笔记里也常写作“粘包”"),
    ("lessons/21-server-client-api.toml", "课程笔记常说“服务端”"),
];

/// The choices issue 18 asked for: (chosen term, a rejected variant).
const CHOSEN: &[(&str, &str)] = &[
    ("黏包", "粘包"),
    ("环回地址", "回环"),
    ("点对点链路", "点到点"),
    ("全球单播地址", "全局单播"),
    ("序号", "序列号"),
    ("首部", "报头"),
    ("分组", "数据包"),
    ("服务器", "服务端"),
    ("SYN 洪泛攻击", "SYN 洪水"),
    ("洪泛", "泛洪"),
    ("下一个首部", "下一报头"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn glossary() -> Glossary {
    LessonSet::embedded().unwrap().glossary
}

/// Every shipped text file students read: lessons and banks, UI tables, and
/// the Rust sources (generator and panel strings).
fn shipped_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, ext, out);
            } else if path.extension().is_some_and(|x| x == ext) {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("lessons"), "toml", &mut files);
    walk(&root().join("assets"), "toml", &mut files);
    walk(&root().join("src"), "rs", &mut files);
    files.sort();
    files
}

#[test]
fn the_glossary_records_each_chosen_term_with_its_rejected_variants() {
    let g = glossary();
    for (chosen, variant) in CHOSEN {
        let term = g
            .terms
            .iter()
            .find(|t| t.zh == *chosen)
            .unwrap_or_else(|| panic!("no glossary term with zh = {chosen}"));
        assert!(
            term.rejected.iter().any(|v| v == variant),
            "glossary term {chosen} does not reject {variant}: {:?}",
            term.rejected
        );
    }
    // Searching a rejected variant finds the chosen term.
    let found: Vec<&str> = g.search("粘包").map(|t| t.zh.as_str()).collect();
    assert_eq!(found, ["黏包"]);
}

#[test]
fn no_shipped_file_uses_a_rejected_variant() {
    let g = glossary();
    let rejected: Vec<&str> = g
        .terms
        .iter()
        .flat_map(|t| t.rejected.iter().map(String::as_str))
        .collect();
    assert!(rejected.len() >= CHOSEN.len());
    let files = shipped_files();
    assert!(files.len() > 40, "found only {} files", files.len());
    let mut hits = Vec::new();
    let mut used_allowances = 0;
    for path in &files {
        let rel = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let mut text = std::fs::read_to_string(path).unwrap();
        if rel == "lessons/glossary.toml" {
            // The glossary's own `rejected = [...]` lists name the variants.
            text = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("rejected"))
                .collect::<Vec<_>>()
                .join("\n");
        }
        for (file, passage) in QUOTING_COURSE_NOTES {
            if *file == rel {
                assert!(
                    text.contains(passage),
                    "allow-listed passage no longer in {rel}: {passage}"
                );
                text = text.replace(passage, "");
                used_allowances += 1;
            }
        }
        for (n, line) in text.lines().enumerate() {
            for variant in &rejected {
                if line.contains(variant) {
                    hits.push(format!("{rel}:{}: '{variant}'", n + 1));
                }
            }
        }
    }
    assert_eq!(used_allowances, QUOTING_COURSE_NOTES.len());
    assert!(
        hits.is_empty(),
        "rejected variants (see lessons/glossary.toml) in shipped text:\n{}",
        hits.join("\n")
    );
}

#[test]
fn no_generated_question_uses_a_rejected_variant() {
    let g = glossary();
    let rejected: Vec<&String> = g.terms.iter().flat_map(|t| &t.rejected).collect();
    for generator in generators::all() {
        for seed in 0..300 {
            let q = (generator.make)(&mut ChaCha8Rng::seed_from_u64(seed));
            let mut zh = vec![q.prompt.zh.clone(), q.explanation.zh.clone()];
            match &q.kind {
                QuestionKind::Choice { options, .. } => {
                    zh.extend(options.iter().map(|o| o.zh.clone()));
                }
                QuestionKind::Order { items, .. } => {
                    zh.extend(items.iter().map(|o| o.zh.clone()));
                }
                _ => {}
            }
            for text in &zh {
                for variant in &rejected {
                    assert!(
                        !text.contains(variant.as_str()),
                        "{} seed {seed}: '{variant}' in {text}",
                        generator.id
                    );
                }
            }
        }
    }
}
