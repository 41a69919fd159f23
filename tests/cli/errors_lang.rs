//! Command-line errors follow `--lang`: the same real failure (a grade book
//! that is not there, a folder that does not exist, a file that is never
//! overwritten, a results file that cannot be read, a device as `-o`) run with
//! `--lang en` and `--lang zh`. English is the exact line it always was; the
//! Chinese line says the same in Chinese, with the paths as given and no
//! English sentence left in it.

use std::path::Path;

use crate::common::run::{assert_chinese, nettutor_in};

/// `nettutor --lang LANG ARGS…` in `home`: exit code and stderr.
fn fails(home: &Path, lang: &str, args: &[&str]) -> (i32, String) {
    let mut all = vec!["--lang", lang];
    all.extend_from_slice(args);
    let (code, _, err) = nettutor_in(home, &all, "");
    (code, err)
}

#[test]
fn class_report_on_a_grade_book_that_is_not_there() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("none.sqlite3");
    let db = db.to_str().unwrap();
    let args = ["class", "report", "--db", db];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        format!("nettutor: no grade book at {db}: nothing has been recorded there yet\n")
    );
    let (code, zh) = fails(home.path(), "zh", &args);
    assert_eq!(code, 1);
    assert_eq!(
        zh,
        format!("nettutor: {db} 处没有成绩册：那里还没有记录过任何内容\n")
    );
    assert!(!Path::new(db).exists(), "a report makes no grade book");
}

#[test]
fn a_grade_book_in_a_folder_that_does_not_exist() {
    let home = tempfile::tempdir().unwrap();
    let results = home.path().join("r.json");
    std::fs::write(&results, "{}").unwrap();
    let db = home.path().join("no-such-folder").join("g.sqlite3");
    let db = db.to_str().unwrap();
    let args = ["class", "import", "--db", db, results.to_str().unwrap()];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        format!("nettutor: grade book {db}: unable to open database file: {db}\n")
    );
    let (code, zh) = fails(home.path(), "zh", &args);
    assert_eq!(code, 1);
    assert_eq!(zh, format!("nettutor: 成绩册 {db}：无法打开数据库文件\n"));
    // A folder given as the grade book.
    let dir = home.path().to_str().unwrap();
    let args = ["class", "report", "--db", dir];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        format!("nettutor: grade book {dir}: is a folder, not a file\n")
    );
    let (_, zh) = fails(home.path(), "zh", &args);
    assert_eq!(
        zh,
        format!("nettutor: 成绩册 {dir}：是一个文件夹，不是文件\n")
    );
}

#[test]
fn class_import_names_each_results_file_it_cannot_read() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("g.sqlite3");
    let missing = home.path().join("missing.json");
    let empty = home.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let old = home.path().join("old.json");
    std::fs::write(
        &old,
        r#"{"format":"nettutor-results","version":1,"student":"a","seed":1,"topics":[],"exam":false,"started":"","ended":"","score":0,"total":0,"questions":[]}"#,
    )
    .unwrap();
    let [db, missing, empty, old] = [&db, &missing, &empty, &old].map(|p| p.to_str().unwrap());
    let args = ["class", "import", "--db", db, missing, empty, old];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        format!(
            "nettutor: {missing}: No such file or directory\n\
             nettutor: {empty}: not a nettutor results file: EOF while parsing a value at line 1 column 0\n\
             nettutor: {old}: format nettutor-results version 1 (this nettutor reads nettutor-results version 2)\n"
        )
    );
    let (code, zh) = fails(home.path(), "zh", &args);
    assert_eq!(code, 1);
    let lines: Vec<&str> = zh.lines().collect();
    assert_eq!(lines.len(), 3, "{zh}");
    assert_eq!(lines[0], format!("nettutor: {missing}：没有那个文件或目录"));
    assert_chinese(lines[1], "文件提前结束", &[empty]);
    assert!(lines[1].contains("不是 nettutor 结果文件"), "{}", lines[1]);
    assert_chinese(lines[2], "本程序读取", &[old, "nettutor-results"]);
}

#[test]
fn a_csv_that_exists_is_refused_in_either_language() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("g.sqlite3");
    let csv = home.path().join("scores.csv");
    std::fs::write(&csv, "keep me").unwrap();
    let [db, csv_s] = [&db, &csv].map(|p| p.to_str().unwrap());
    let args = ["class", "report", "--db", db, "--csv", csv_s];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        format!(
            "nettutor: {csv_s} already exists; it is never overwritten (give a new file name)\n"
        )
    );
    let (code, zh) = fails(home.path(), "zh", &args);
    assert_eq!(code, 1);
    assert_chinese(zh.trim_end(), "已存在", &[csv_s]);
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "keep me");
}

#[test]
fn an_output_path_that_cannot_be_written() {
    let home = tempfile::tempdir().unwrap();
    let pcap = home.path().join("no").join("such").join("a.pcap");
    let pcap = pcap.to_str().unwrap();
    let args = ["export", "encapsulation", "-o", pcap];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        format!("nettutor: cannot write {pcap}: No such file or directory\n")
    );
    let (code, zh) = fails(home.path(), "zh", &args);
    assert_eq!(code, 1);
    assert_eq!(
        zh,
        format!("nettutor: 无法写入 {pcap}：没有那个文件或目录\n")
    );
    // A device is a usage mistake (exit 2) in both languages.
    let args = ["export", "encapsulation", "-o", "/dev/null"];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 2);
    assert_eq!(
        en,
        "nettutor: /dev/null is a character device, not a regular file; give a file name instead\n"
    );
    let (code, zh) = fails(home.path(), "zh", &args);
    assert_eq!(code, 2);
    assert_eq!(
        zh,
        "nettutor: /dev/null 是一个字符设备，不是普通文件；请改为给出一个文件名\n"
    );
}

#[test]
fn lab_and_lesson_mistakes_in_either_language() {
    let home = tempfile::tempdir().unwrap();
    let (code, en) = fails(home.path(), "en", &["lab", "nope"]);
    assert_eq!(code, 2);
    assert!(
        en.starts_with("nettutor: unknown lab 'nope' (labs: sticky, "),
        "{en}"
    );
    let (code, zh) = fails(home.path(), "zh", &["lab", "nope"]);
    assert_eq!(code, 2);
    assert!(
        zh.starts_with("nettutor: 没有名为“nope”的实验（实验有：sticky, "),
        "{zh}"
    );
    let args = ["lab", "sticky", "-o", "x.pcap"];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 2);
    assert_eq!(
        en,
        "nettutor: lab sticky: -o FILE writes a capture, and only the errors lab has one\n"
    );
    let (_, zh) = fails(home.path(), "zh", &args);
    assert_chinese(
        zh.trim_end(),
        "只有 errors 实验有抓包",
        &["sticky", "errors", "FILE"],
    );
    let args = ["quiz", "--plain", "--topic", "nosuch"];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        "nettutor: unknown topic 'nosuch' (one of: subnet, binary, addr, osi, ports, tcp, lab, sockets, all)\n"
    );
    let (_, zh) = fails(home.path(), "zh", &args);
    assert!(
        zh.starts_with("nettutor: 没有“nosuch”这个主题（可选：subnet, "),
        "{zh}"
    );
    let args = ["lab", "sticky", "--count", "0"];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 2);
    assert_eq!(
        en,
        "nettutor: lab sticky: bad value '0' for --count: expected an integer from 1 to 1000\n"
    );
    let (_, zh) = fails(home.path(), "zh", &args);
    assert_eq!(
        zh,
        "nettutor: 实验 sticky：--count 的值“0”无效：应为 1 到 1000 之间的整数\n"
    );
    let md = home.path().join("md");
    let args = [
        "lessons",
        "export",
        "--lesson",
        "zzz",
        "--md",
        md.to_str().unwrap(),
    ];
    let (code, en) = fails(home.path(), "en", &args);
    assert_eq!(code, 1);
    assert_eq!(
        en,
        "nettutor: no lesson with id 'zzz' (`nettutor lessons list` shows them)\n"
    );
    let (_, zh) = fails(home.path(), "zh", &args);
    assert_chinese(
        zh.trim_end(),
        "没有编号为“zzz”的课程",
        &["zzz", "`nettutor lessons list`"],
    );
}
