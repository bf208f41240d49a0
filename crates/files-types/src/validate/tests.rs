use super::*;

#[test]
fn messages_name_what_and_where() {
    let err = validate_filename("ok\u{7}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "filename has the control character U+0007 at position 2 (counted in characters from 0): code points 0 to 31 may not appear"
    );
    let err = validate_ids(&["a", "b/c"]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("ids[1] has the character '/' at position 1"),
        "{err}"
    );
}

#[test]
fn percent_is_not_an_id_character() {
    // A '%' would let a caller smuggle an encoded '/' into the path.
    assert!(validate_file_id("file_%2F").is_err());
}
