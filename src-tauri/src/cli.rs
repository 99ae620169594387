//! The window's command line: `--db` and opening the window, nothing else.
//! The administrator's subcommands live in the `zaitaku` binary (crate
//! `zaitaku-cli`), which needs no GUI library; an old subcommand given here
//! is answered with where it went.

use std::path::PathBuf;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    name = "zaitaku-desk",
    version,
    about = "在宅医療相談室デスク — 相談記録・意志表示帳・講座・名簿・集計のためのデスクトップアプリ",
    long_about = "在宅医療相談室デスク。\n起動すると画面が開きます。管理者向けのコマンド（デモデータ・検査・書き出し・PDF・バックアップ）は zaitaku コマンドで実行します（zaitaku --help）。"
)]
struct Cli {
    /// データベースファイル（省略時は OS のアプリデータフォルダの zaitaku-desk.db）
    #[arg(long, value_name = "PATH", env = "ZAITAKU_DESK_DB")]
    db: Option<PathBuf>,

    /// A subcommand of the old single binary, to say where it moved.
    #[arg(hide = true, trailing_var_arg = true)]
    moved: Vec<String>,
}

/// What the arguments ask for.
#[derive(Debug, PartialEq)]
enum Start {
    Window(Option<PathBuf>),
    /// An administrator's subcommand, now in `zaitaku`.
    Moved(String),
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Start, clap::Error> {
    let cli = Cli::try_parse_from(args)?;
    Ok(match cli.moved.into_iter().next() {
        Some(word) => Start::Moved(word),
        None => Start::Window(cli.db),
    })
}

/// The message for `zaitaku-desk <subcommand>`: the subcommand is run by
/// the other binary, with the same options.
fn moved_message(word: &str) -> String {
    format!(
        "エラー: 「{word}」は zaitaku コマンドに移りました。zaitaku {word} …… のように実行してください（使い方: zaitaku --help）。zaitaku-desk は画面を開くだけです。"
    )
}

/// Parses the arguments and opens the window; returns the process exit
/// code (0 ok, 1 failed, 2 bad arguments or a moved subcommand).
pub fn main() -> i32 {
    match parse(std::env::args()) {
        Ok(Start::Window(db)) => crate::run_gui(db),
        Ok(Start::Moved(word)) => {
            eprintln!("{}", moved_message(&word));
            2
        }
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                2
            } else {
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Start {
        parse(args.iter().map(|a| a.to_string())).expect("parses")
    }

    #[test]
    fn no_arguments_or_only_db_open_the_window() {
        assert_eq!(parsed(&["zaitaku-desk"]), Start::Window(None));
        assert_eq!(
            parsed(&["zaitaku-desk", "--db", "office.db"]),
            Start::Window(Some("office.db".into()))
        );
    }

    #[test]
    fn an_old_subcommand_is_sent_to_zaitaku_with_its_options() {
        for args in [
            &["zaitaku-desk", "demo-data", "--db", "x.db"][..],
            &["zaitaku-desk", "--db", "x.db", "demo-data", "--cases", "5"],
        ] {
            assert_eq!(parsed(args), Start::Moved("demo-data".into()), "{args:?}");
        }
        let message = moved_message("flyer");
        assert!(message.contains("zaitaku flyer"), "{message}");
        assert!(message.contains("移りました"), "{message}");
    }

    #[test]
    fn help_and_version_still_answer() {
        for flag in ["--help", "--version"] {
            let e = parse(["zaitaku-desk".to_string(), flag.to_string()]).unwrap_err();
            assert!(!e.use_stderr(), "{flag} prints to stdout and exits 0");
        }
        let e = parse(["zaitaku-desk".into(), "--bogus".into()]).unwrap_err();
        assert!(e.use_stderr(), "an unknown flag is an error");
    }
}
