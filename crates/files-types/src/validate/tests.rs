use super::*;

#[test]
fn messages_name_what_and_where() {
    let err = validate_filename("ok\u{7}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "filename has the control character U+0007 at position 2 (counted in characters from 0): code points 0 to 31 and 127 may not appear"
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

/// Found by the `content_disposition_part` fuzz target: a filename with DEL
/// passed this check, but the multipart part header the client frames it in
/// cannot carry DEL (RFC 9110 §5.5), and files-server refused the whole body
/// ("failed to read headers") instead of storing the name the client accepted.
#[test]
fn a_filename_with_del_is_refused_as_a_control_character() {
    assert_eq!(
        validate_filename("a\u{7f}b.txt"),
        Err(ValidationError::FilenameControlCharacter {
            code_point: 0x7f,
            position: 1,
        })
    );
    // The characters either side of it stay allowed.
    assert!(validate_filename("~.txt").is_ok());
    assert!(validate_filename("\u{80}\u{a0}é.txt").is_ok());
}
