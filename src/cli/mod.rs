//! Command-line interface: clap definitions and one function per subcommand.
//! Without a subcommand the terminal tutor starts.

mod check;
mod class;
mod dhcp;
mod dns;
mod drill;
mod export;
mod frames;
mod handshake;
mod lab;
mod lessons;
mod licenses;
pub mod net;
pub mod out;
mod presenter;
mod quiz;
mod subnet;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::i18n::Lang;

/// An interactive network-concepts tutor for the terminal.
#[derive(Debug, Parser)]
#[command(name = "nettutor", version, about, long_about = None)]
pub struct Cli {
    /// Interface and lesson language (default: from LC_ALL / LC_MESSAGES / LANG).
    #[arg(long, global = true, value_name = "en|zh")]
    pub lang: Option<Lang>,

    /// Use a teacher's own lesson folder instead of the built-in lessons.
    #[arg(long, global = true, value_name = "DIR")]
    pub lessons: Option<PathBuf>,

    /// Colour theme (default: dark).
    #[arg(long, value_name = "NAME", value_parser = theme_parser())]
    pub theme: Option<crate::ui::theme::ThemeName>,

    /// Monochrome output; also set by the NO_COLOR environment variable.
    #[arg(long, env = "NO_COLOR", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_color: bool,

    /// Presentation mode for projecting in class.
    #[arg(long)]
    pub present: bool,

    /// Where `w` writes a panel's frames as pcap (default: the working directory).
    #[arg(long, value_name = "DIR")]
    pub export_dir: Option<PathBuf>,

    /// Lessons to open (comma-separated ids), played back to back.
    #[arg(long, value_name = "ID[,ID…]", value_delimiter = ',')]
    pub lesson: Vec<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List or check lesson files.
    #[command(subcommand)]
    Lessons(lessons::LessonsCmd),
    /// Subnet calculator: bits, network, broadcast, hosts, splitting.
    Subnet(subnet::SubnetArgs),
    /// Run a live socket lab on loopback and print its report.
    Lab(lab::LabArgs),
    /// Write frames as a classic pcap file.
    #[command(subcommand)]
    Export(export::ExportCmd),
    /// Capture a real connection on loopback (needs CAP_NET_RAW).
    #[command(subcommand)]
    Capture(handshake::CaptureCmd),
    /// Take a quiz.
    #[command(args_conflicts_with_subcommands = true)]
    Quiz(quiz::QuizArgs),
    /// Test your own socket program against an adversarial peer on loopback.
    Check(check::CheckArgs),
    /// A class: live sessions (host, join) and the grade book (report, import).
    #[command(subcommand)]
    Class(class::ClassCmd),
    /// Drills whose answers are marked field by field (`drill subnet`).
    #[command(subcommand)]
    Drill(drill::DrillCmd),
    /// Experiments on a real virtual network (namespaces, a switch, a router).
    #[command(subcommand)]
    Net(net::NetCmd),
    /// The presenter console: follow and drive a presentation from a second terminal.
    Presenter(presenter::PresenterArgs),
    /// nettutor's licence and the notices of the fonts its binary embeds.
    Licenses,
}

/// `--theme`: the names of [`ThemeName`](crate::ui::theme::ThemeName), listed in
/// `--help` and in the error for any other word.
fn theme_parser() -> impl clap::builder::TypedValueParser<Value = crate::ui::theme::ThemeName> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(crate::ui::theme::ThemeName::NAMES)
        .try_map(|name| name.parse::<crate::ui::theme::ThemeName>())
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The virtual network's lab process (started by `crate::vnet::Lab`): no
    // clap, nothing else runs before it enters its namespaces.
    if args
        .get(1)
        .is_some_and(|a| a == crate::vnet::lab::SUBCOMMAND)
    {
        return ExitCode::from(crate::vnet::child::serve());
    }
    if let Some(subnet_args) = subnet::fast_args(&args) {
        // No `--lang` on this path: the language comes from the locale.
        return match subnet::run(subnet_args, Lang::from_env()) {
            Ok(code) => code,
            Err(err) => exit_for(&err, Lang::from_env()),
        };
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e, Lang::from_env()),
    };
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    let result = match cli.command {
        None => crate::ui::run(crate::ui::Options {
            lang,
            lessons_dir: cli.lessons,
            theme: cli.theme,
            no_color: cli.no_color,
            present: cli.present,
            lesson_ids: cli.lesson,
            open: None,
            export_dir: cli.export_dir,
        })
        .map(|()| ExitCode::SUCCESS),
        Some(Command::Lessons(cmd)) => lessons::run(cmd, cli.lessons, lang),
        Some(Command::Subnet(args)) => subnet::run(args, lang),
        Some(Command::Lab(args)) => lab::run(args, lang),
        Some(Command::Export(cmd)) => export::run(cmd, lang),
        Some(Command::Capture(cmd)) => handshake::capture(cmd, lang),
        Some(Command::Quiz(args)) => quiz::run(args, cli.lessons, lang),
        Some(Command::Check(args)) => {
            let look = check::Look {
                theme: cli.theme,
                no_color: cli.no_color,
                export_dir: cli.export_dir,
            };
            check::run(args, cli.lessons, lang, look)
        }
        Some(Command::Drill(cmd)) => drill::run(cmd, lang),
        Some(Command::Net(cmd)) => net::run(cmd, lang),
        Some(Command::Class(cmd)) => class::run(cmd, cli.lessons, lang, (cli.theme, cli.no_color)),
        Some(Command::Presenter(args)) => presenter::run(args, lang, cli.theme, cli.no_color),
        Some(Command::Licenses) => licenses::run(),
    };
    match result {
        Ok(code) => code,
        Err(err) => exit_for(&err, lang),
    }
}

/// The lessons (built in, or `--lessons DIR`), or one error listing their
/// problems.
pub(crate) fn lesson_set(
    dir: Option<PathBuf>,
    lang: Lang,
) -> anyhow::Result<crate::lesson::LessonSet> {
    use anyhow::Context as _;
    crate::lesson::LessonSet::load(&crate::lesson::LessonSource::from_option(dir))
        .map_err(anyhow::Error::new)
        .with_context(|| crate::i18n::t(lang, "cli.err.lessons").to_string())
}

/// `--help`, `--version` and command-line mistakes, with our write rules:
/// help on a closed pipe is quiet, on a full device one line and exit 1.
fn clap_exit(e: &clap::Error, lang: Lang) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let text = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            e.render().ansi().to_string()
        } else {
            e.render().to_string()
        };
        return match out::say(&text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => exit_for(&err.into(), lang),
        };
    }
    let _ = e.print();
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

/// Prints `err` once, in one line, in `lang`, and picks the exit status: a closed stdout
/// is a quiet success, a path that is not a file (`-o /dev/null`) a usage
/// mistake (2), anything else a failure (1).
fn exit_for(err: &anyhow::Error, lang: Lang) -> ExitCode {
    if err.chain().any(|c| {
        c.downcast_ref::<out::StdoutError>()
            .is_some_and(|e| e.is_closed_pipe())
    }) {
        return ExitCode::SUCCESS;
    }
    out::warn(&format!("nettutor: {}", out::error_line(err, lang)));
    let usage = err.chain().any(|c| {
        c.downcast_ref::<crate::output_file::OutputError>()
            .is_some_and(|e| e.is_usage())
    });
    if usage {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::Cli;
    use crate::ui::theme::{Theme, ThemeName};

    #[test]
    fn every_theme_can_be_chosen_on_the_command_line() {
        for name in ThemeName::ALL {
            let word = name.to_string();
            let cli = Cli::try_parse_from(["nettutor", "--theme", &word]).unwrap();
            assert_eq!(cli.theme, Some(*name));
            assert_eq!(Theme::choose(cli.theme, false).unwrap().name, *name);
        }
        let err = Cli::try_parse_from(["nettutor", "--theme", "neon"]).unwrap_err();
        let text = err.to_string();
        for name in ThemeName::NAMES {
            assert!(text.contains(name), "{text}");
        }
    }
}
