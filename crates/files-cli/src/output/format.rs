//! Output formats: the `--format` / `--format-error` values and how one JSON
//! value is written in each.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::output::document::{self, Document};
use crate::output::escape;
use crate::output::pretty;
use crate::output::yaml;

/// A value of `--format` or `--format-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatChoice {
    /// `pretty` when the stream is a terminal, else `json`.
    Auto,
    /// Pretty-printed JSON (2-space indent).
    Json,
    /// One compact JSON value per line (for `list`: one line per file, streamed).
    Jsonl,
    /// Human-friendly: a table for lists, `key: value` lines for one object.
    Pretty,
    /// Compact JSON on one line; a string is printed without quotes.
    Raw,
    /// YAML.
    Yaml,
}

impl FormatChoice {
    /// The concrete format, `auto` resolved by whether the stream is a terminal.
    pub fn resolve(self, is_terminal: bool) -> Format {
        match self {
            Self::Auto if is_terminal => Format::Pretty,
            Self::Auto | Self::Json => Format::Json,
            Self::Jsonl => Format::Jsonl,
            Self::Pretty => Format::Pretty,
            Self::Raw => Format::Raw,
            Self::Yaml => Format::Yaml,
        }
    }
}

/// A concrete output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty-printed JSON.
    Json,
    /// Compact JSON, one value per line.
    Jsonl,
    /// Human-friendly text.
    Pretty,
    /// Compact JSON; strings unquoted.
    Raw,
    /// YAML.
    Yaml,
}

/// How the writers treat strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Strings {
    /// `-r`: a string value is written as its bare text in every format.
    pub raw: bool,
    /// The output is a terminal: bare text is escaped for it (control characters
    /// and bidi overrides become `\u{..}`), as `ls` does. Piped output keeps the
    /// exact text.
    pub terminal: bool,
}

impl Strings {
    /// A string as bare text, escaped on a terminal.
    fn bare(self, text: &str) -> Cow<'_, str> {
        if self.terminal {
            escape::for_terminal(text)
        } else {
            Cow::Borrowed(text)
        }
    }
}

impl Format {
    /// Writes `value` in this format, ending with a newline. JSON keeps exact
    /// values (controls and bidi overrides written as JSON escapes); `pretty` is
    /// for humans and always escapes them visibly.
    ///
    /// # Errors
    /// Writing to `out` failed.
    pub fn write_value(
        self,
        out: &mut dyn Write,
        value: &Document,
        strings: Strings,
    ) -> io::Result<()> {
        if let (true, Document::String(text)) = (strings.raw, value) {
            return writeln!(out, "{}", strings.bare(text));
        }
        match self {
            Self::Json => write_json(out, value, true),
            Self::Jsonl => write_json(out, value, false),
            Self::Raw => match value {
                Document::String(text) => writeln!(out, "{}", strings.bare(text)),
                other => write_json(out, other, false),
            },
            Self::Yaml => {
                let text = yaml::to_text(value)?;
                out.write_all(text.as_bytes())?;
                if !text.ends_with('\n') {
                    writeln!(out)?;
                }
                Ok(())
            }
            Self::Pretty => out.write_all(pretty::value(value).as_bytes()),
        }
    }

    /// Writes the items of a listing, all at once: one array (JSON, raw, YAML), a
    /// table (pretty) or one line each (JSONL). With `-r`, each item goes on its
    /// own line instead, strings bare and anything else as compact JSON, so
    /// `--transform id -r` prints one id per line.
    ///
    /// # Errors
    /// Writing to `out` failed.
    pub fn write_list(
        self,
        out: &mut dyn Write,
        items: &[Document],
        strings: Strings,
    ) -> io::Result<()> {
        if strings.raw {
            for item in items {
                Self::Raw.write_value(out, item, strings)?;
            }
            return Ok(());
        }
        match self {
            Self::Jsonl => {
                for item in items {
                    self.write_value(out, item, strings)?;
                }
                Ok(())
            }
            Self::Pretty => out.write_all(pretty::list(items).as_bytes()),
            Self::Json | Self::Raw | Self::Yaml => {
                self.write_value(out, &Document::Sequence(items.to_vec()), strings)
            }
        }
    }
}

/// JSON text, pretty (2-space indent) or compact, and a newline.
fn write_json(out: &mut dyn Write, value: &Document, pretty: bool) -> io::Result<()> {
    let text = if pretty {
        document::to_pretty_json_text(value)
    } else {
        document::to_json_text(value)
    };
    writeln!(out, "{}", escape::json_text(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::document::from_json_text;

    fn doc(json: &str) -> Document {
        from_json_text(json).unwrap()
    }

    fn piped(raw: bool) -> Strings {
        Strings {
            raw,
            terminal: false,
        }
    }

    fn render(format: Format, value: &str, raw: bool) -> String {
        let mut out = Vec::new();
        format
            .write_value(&mut out, &doc(value), piped(raw))
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    fn render_list(format: Format, items: &[&str], raw: bool) -> String {
        let items: Vec<Document> = items.iter().map(|i| doc(i)).collect();
        let mut out = Vec::new();
        format.write_list(&mut out, &items, piped(raw)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn auto_is_pretty_only_on_a_terminal() {
        assert_eq!(FormatChoice::Auto.resolve(true), Format::Pretty);
        assert_eq!(FormatChoice::Auto.resolve(false), Format::Json);
        assert_eq!(FormatChoice::Yaml.resolve(true), Format::Yaml);
    }

    #[test]
    fn each_format_writes_one_value_in_key_order() {
        let value = r#"{"id":"file_1","size_bytes":3,"downloadable":false}"#;
        assert_eq!(
            render(Format::Json, value, false),
            "{\n  \"id\": \"file_1\",\n  \"size_bytes\": 3,\n  \"downloadable\": false\n}\n"
        );
        assert_eq!(render(Format::Jsonl, value, false), format!("{value}\n"));
        assert_eq!(render(Format::Raw, value, false), format!("{value}\n"));
        assert_eq!(
            render(Format::Yaml, value, false),
            "id: file_1\nsize_bytes: 3\ndownloadable: false\n"
        );
        assert_eq!(
            render(Format::Pretty, value, false),
            "id:           file_1\nsize_bytes:   3\ndownloadable: false\n"
        );
    }

    #[test]
    fn strings_are_bare_in_raw_or_with_raw_output() {
        let value = r#""file_1""#;
        assert_eq!(render(Format::Json, value, false), "\"file_1\"\n");
        assert_eq!(render(Format::Json, value, true), "file_1\n");
        assert_eq!(render(Format::Raw, value, false), "file_1\n");
        assert_eq!(render(Format::Jsonl, value, true), "file_1\n");
    }

    #[test]
    fn lists_are_one_array_or_one_line_each() {
        let items = [r#"{"id":"a"}"#, r#"{"id":"b"}"#];
        assert_eq!(
            render_list(Format::Raw, &items, false),
            "[{\"id\":\"a\"},{\"id\":\"b\"}]\n"
        );
        assert_eq!(
            render_list(Format::Jsonl, &items, false),
            "{\"id\":\"a\"}\n{\"id\":\"b\"}\n"
        );
        assert_eq!(
            render_list(Format::Yaml, &items, false),
            "- id: a\n- id: b\n"
        );
        assert_eq!(
            render_list(Format::Json, &[r#""a""#, r#""b""#], true),
            "a\nb\n"
        );
        assert_eq!(render_list(Format::Json, &[], false), "[]\n");
    }

    #[test]
    fn bare_strings_are_escaped_on_a_terminal_only_and_json_stays_exact() {
        let value = doc(r#""\u001b]0;pwned\u0007\u202e""#);
        let render = |format: Format, strings: Strings| {
            let mut out = Vec::new();
            format.write_value(&mut out, &value, strings).unwrap();
            String::from_utf8(out).unwrap()
        };
        let terminal = Strings {
            raw: true,
            terminal: true,
        };
        assert_eq!(
            render(Format::Json, terminal),
            "\\u{1b}]0;pwned\\u{7}\\u{202e}\n"
        );
        assert_eq!(
            render(
                Format::Raw,
                Strings {
                    raw: false,
                    ..terminal
                }
            ),
            "\\u{1b}]0;pwned\\u{7}\\u{202e}\n"
        );
        assert_eq!(
            render(Format::Json, piped(true)),
            "\u{1b}]0;pwned\u{7}\u{202e}\n"
        );
        for format in [Format::Json, Format::Jsonl] {
            assert_eq!(
                render(
                    format,
                    Strings {
                        raw: false,
                        terminal: true
                    }
                ),
                "\"\\u001b]0;pwned\\u0007\\u202e\"\n"
            );
        }
        assert_eq!(
            render(Format::Pretty, piped(false)),
            "\\u{1b}]0;pwned\\u{7}\\u{202e}\n"
        );
    }

    #[test]
    fn every_format_writes_an_integer_beyond_64_bits_exactly() {
        let big = "12200000000000000366680183";
        let value = format!(r#"{{"id":"file_1","n":{big}}}"#);
        assert_eq!(
            render(Format::Json, &value, false),
            format!("{{\n  \"id\": \"file_1\",\n  \"n\": {big}\n}}\n")
        );
        for format in [Format::Jsonl, Format::Raw] {
            assert_eq!(render(format, &value, false), format!("{value}\n"));
        }
        assert_eq!(
            render(Format::Yaml, &value, false),
            format!("id: file_1\nn: {big}\n")
        );
        assert_eq!(
            render(Format::Pretty, &value, false),
            format!("id: file_1\nn:  {big}\n")
        );
        assert_eq!(render(Format::Raw, big, false), format!("{big}\n"));
        let items = [value.as_str(), big];
        assert_eq!(
            render_list(Format::Json, &items, false),
            format!("[\n  {{\n    \"id\": \"file_1\",\n    \"n\": {big}\n  }},\n  {big}\n]\n")
        );
        assert_eq!(
            render_list(Format::Pretty, &items, false),
            format!("id: file_1\nn:  {big}\n{big}\n")
        );
    }
}
