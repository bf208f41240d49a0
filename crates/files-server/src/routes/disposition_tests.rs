//! Cases from RFC 7578 §4.2 and RFC 6266 §5/appendix, and from the issue.

use super::*;

fn parse(value: &str) -> (Option<String>, Option<String>) {
    let d = Disposition::parse(value);
    (d.name, d.filename)
}

fn some(name: &str, filename: Option<&str>) -> (Option<String>, Option<String>) {
    (Some(name.to_owned()), filename.map(str::to_owned))
}

#[test]
fn the_rfc_7578_examples_parse() {
    assert_eq!(parse(r#"form-data; name="field1""#), some("field1", None));
    assert_eq!(
        parse(r#"form-data; name="pics"; filename="file1.txt""#),
        some("pics", Some("file1.txt"))
    );
    assert_eq!(
        parse(r#"form-data; name="_charset_""#),
        some("_charset_", None)
    );
}

#[test]
fn parameter_names_and_the_type_are_case_insensitive() {
    assert_eq!(
        parse(r#"FORM-DATA; NAME="file"; FileName="a.txt""#),
        some("file", Some("a.txt"))
    );
}

#[test]
fn filename_star_is_preferred_in_either_order() {
    let want = some("file", Some("€ rates.txt"));
    assert_eq!(
        parse(
            r#"form-data; name="file"; filename*=UTF-8''%e2%82%ac%20rates.txt; filename="rates.txt""#
        ),
        want
    );
    assert_eq!(
        parse(
            r#"form-data; name="file"; filename="rates.txt"; filename*=utf-8''%E2%82%AC%20rates.txt"#
        ),
        want
    );
    assert_eq!(
        parse(r#"form-data; name="file"; filename*=iso-8859-1'en'%A3%20rates.txt"#),
        some("file", Some("£ rates.txt"))
    );
    // Not decodable: the plain filename stands.
    assert_eq!(
        parse(r#"form-data; name="file"; filename*=UTF-8''%FF; filename="plain.txt""#),
        some("file", Some("plain.txt"))
    );
}

#[test]
fn a_quoted_value_is_one_value_whatever_it_holds() {
    assert_eq!(
        parse(r#"form-data; filename="x; name=evil"; name="file""#),
        some("file", Some("x; name=evil"))
    );
    assert_eq!(
        parse(r#"form-data; name="file"; filename="a\"b\\c.txt""#),
        some("file", Some(r#"a"b\c.txt"#))
    );
    assert_eq!(
        parse(r#"form-data; name="file"; filename="C:\dir\a.txt""#),
        some("file", Some(r"C:\dir\a.txt")),
        "a backslash that escapes nothing is kept"
    );
}

#[test]
fn tokens_spaces_and_odd_shapes() {
    assert_eq!(
        parse("form-data ;name = file ; filename = a.txt"),
        some("file", Some("a.txt"))
    );
    assert_eq!(
        parse(r#"form-data; name="file"; name="other""#),
        some("file", None)
    );
    assert_eq!(parse(r#"attachment; name="file""#), (None, None));
    assert_eq!(
        parse(r#"form-data; filename="a.txt""#),
        (None, Some("a.txt".into()))
    );
    assert_eq!(
        parse(r#"form-data; name="file"; filename="unterminated"#),
        some("file", Some("unterminated"))
    );
    assert_eq!(parse("form-data; novalue; name=file"), some("file", None));
    assert_eq!(parse(""), (None, None));
}

#[test]
fn percent_signs_stay_as_they_were_sent_percent_22_too() {
    assert_eq!(
        parse(r#"form-data; name="file"; filename="say %22hi%22 100%.txt""#),
        some("file", Some("say %22hi%22 100%.txt")),
        "percent signs stay, %22 too"
    );
    // The content_disposition_part fuzz target's input: files-client sends a
    // name with `%22` as it is, and it was read as a `"` (which the API's
    // filename rule then refused).
    assert_eq!(
        parse(r#"form-data; name="file"; filename="r;%22222220m33ddW&""#),
        some("file", Some("r;%22222220m33ddW&"))
    );
}
