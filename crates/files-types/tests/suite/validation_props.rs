//! Property tests of every validation rule: all valid inputs pass, every invalid
//! class fails with the error that names it, and the boundaries hold.

use files_types::*;
use proptest::prelude::*;

/// The contract's list, written out here so that the tests do not share the
/// crate's constant: shrinking that constant must make a test fail.
const FORBIDDEN: [char; 9] = ['<', '>', ':', '"', '|', '?', '*', '\\', '/'];

fn allowed_filename_char() -> impl Strategy<Value = char> {
    any::<char>().prop_filter("allowed in a filename", |c| {
        u32::from(*c) > 31 && !FORBIDDEN.contains(c)
    })
}

fn valid_filename(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(allowed_filename_char(), 1..=max).prop_map(String::from_iter)
}

/// File ids of allowed characters, generated directly from a character class (a
/// filter over every char would spend proptest's reject budget): URL-safe ASCII
/// punctuation, letters, digits and non-ASCII letters, CJK and emoji.
fn valid_id() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.~!$&()*+,;=:@<\"\\-\u{c0}-\u{24f}\u{4e00}-\u{4fff}\u{1f600}-\u{1f64f}]{1,40}"
        .prop_filter("not only dots (a path segment . or ..)", |id| {
            !id.chars().all(|c| c == '.')
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn filenames_of_allowed_characters_pass(name in valid_filename(255)) {
        prop_assert_eq!(validate_filename(&name), Ok(()));
    }

    #[test]
    fn filenames_over_255_characters_fail(name in proptest::collection::vec(allowed_filename_char(), 256..400).prop_map(String::from_iter)) {
        let chars = name.chars().count();
        prop_assert_eq!(validate_filename(&name), Err(ValidationError::FilenameTooLong { chars }));
    }

    #[test]
    fn every_forbidden_character_fails_where_it_stands(
        name in valid_filename(254),
        which in 0..FORBIDDEN.len(),
        at in any::<prop::sample::Index>(),
    ) {
        let mut chars: Vec<char> = name.chars().collect();
        let position = at.index(chars.len() + 1);
        let character = FORBIDDEN[which];
        chars.insert(position, character);
        let name: String = chars.into_iter().collect();
        prop_assert_eq!(
            validate_filename(&name),
            Err(ValidationError::FilenameForbiddenCharacter { character, position })
        );
    }

    #[test]
    fn every_control_code_point_fails_where_it_stands(
        name in valid_filename(254),
        code_point in 0u32..=31,
        at in any::<prop::sample::Index>(),
    ) {
        let mut chars: Vec<char> = name.chars().collect();
        let position = at.index(chars.len() + 1);
        chars.insert(position, char::from_u32(code_point).unwrap());
        let name: String = chars.into_iter().collect();
        prop_assert_eq!(
            validate_filename(&name),
            Err(ValidationError::FilenameControlCharacter { code_point, position })
        );
    }

    #[test]
    fn sizes_follow_the_500_mib_rule(size in any::<u64>()) {
        let result = validate_file_size(size);
        if size <= 500 * 1024 * 1024 {
            prop_assert_eq!(result, Ok(()));
        } else {
            prop_assert_eq!(result, Err(ValidationError::FileTooLarge { size_bytes: size, max_bytes: 524_288_000 }));
        }
    }

    #[test]
    fn limits_follow_1_to_1000(limit in any::<u32>()) {
        let result = validate_limit(limit);
        prop_assert_eq!(result.is_ok(), (1..=1000).contains(&limit));
        if result.is_err() {
            prop_assert_eq!(result, Err(ValidationError::LimitOutOfRange { limit }));
        }
    }

    #[test]
    fn expiries_follow_3600_to_7776000(seconds in prop_oneof![any::<u64>(), 3_000u64..8_000_000]) {
        let result = validate_expires_in_seconds(seconds);
        prop_assert_eq!(result.is_ok(), (3_600..=7_776_000).contains(&seconds));
        if result.is_err() {
            prop_assert_eq!(result, Err(ValidationError::ExpiresInSecondsOutOfRange { seconds }));
        }
    }

    #[test]
    fn safe_ids_pass(id in valid_id()) {
        prop_assert_eq!(validate_file_id(&id), Ok(()));
    }

    #[test]
    fn unsafe_id_characters_fail_where_they_stand(
        id in valid_id(),
        bad in prop_oneof![
            Just('/'), Just('?'), Just('#'), Just('%'), Just(' '), Just('\t'), Just('\n'),
            Just('\u{a0}'), Just('\u{2028}'), (0u32..=31).prop_map(|c| char::from_u32(c).unwrap()),
            Just('\u{7f}'), Just('\u{85}'),
        ],
        at in any::<prop::sample::Index>(),
    ) {
        let mut chars: Vec<char> = id.chars().collect();
        let position = at.index(chars.len() + 1);
        chars.insert(position, bad);
        let id: String = chars.into_iter().collect();
        prop_assert_eq!(
            validate_file_id(&id),
            Err(ValidationError::FileIdUnsafeCharacter { field: "file_id".into(), character: bad, position })
        );
    }

    #[test]
    fn up_to_100_valid_ids_pass(ids in proptest::collection::vec(valid_id(), 0..=100)) {
        prop_assert_eq!(validate_ids(&ids), Ok(()));
    }

    #[test]
    fn more_than_100_ids_fail(count in 101usize..300) {
        let ids = vec!["file_a"; count];
        prop_assert_eq!(validate_ids(&ids), Err(ValidationError::TooManyIds { count }));
    }

    #[test]
    fn an_empty_id_in_a_list_is_named_by_index(ids in proptest::collection::vec(valid_id(), 1..50), at in any::<prop::sample::Index>()) {
        let mut ids = ids;
        let index = at.index(ids.len());
        ids[index] = String::new();
        prop_assert_eq!(validate_ids(&ids), Err(ValidationError::FileIdEmpty { field: format!("ids[{index}]") }));
    }

    #[test]
    fn mime_types_of_tokens_pass(kind in "[a-z][a-z0-9.+-]{0,20}", subtype in "[a-z0-9][a-z0-9.+-]{0,40}", param in proptest::option::of("[a-z]{1,8}=[a-z0-9-]{1,8}")) {
        let mime = match param {
            Some(p) => format!("{kind}/{subtype}; {p}"),
            None => format!("{kind}/{subtype}"),
        };
        prop_assert_eq!(validate_mime_type(&mime), Ok(()));
    }

    #[test]
    fn mime_types_with_line_breaks_or_no_slash_fail(kind in "[a-z]{1,10}", subtype in "[a-z]{1,10}", bad in prop_oneof![Just("\r\n"), Just("\n"), Just("\0")]) {
        let injected = format!("{kind}/{subtype}{bad}X-Injected: 1");
        let no_slash = format!("{kind}{subtype}");
        prop_assert!(validate_mime_type(&injected).is_err());
        prop_assert!(validate_mime_type(&no_slash).is_err());
    }

    #[test]
    fn list_params_ids_exclude_page_and_limit(ids in proptest::collection::vec(valid_id(), 1..=100), limit in 1u32..=1000, page in "page_[a-zA-Z0-9]{1,20}") {
        let with_ids = ListParams::new().ids(ids.clone());
        prop_assert_eq!(with_ids.validate(ApiGeneration::Ga), Ok(()));
        prop_assert_eq!(with_ids.clone().limit(limit).validate(ApiGeneration::Ga), Err(ValidationError::IdsExclusive { other: "limit" }));
        prop_assert_eq!(with_ids.clone().page(page).validate(ApiGeneration::Ga), Err(ValidationError::IdsExclusive { other: "page" }));
        let in_beta = with_ids.validate(ApiGeneration::Beta);
        let ids_refused = matches!(in_beta, Err(ValidationError::ParameterNotInGeneration { parameter: "ids", .. }));
        prop_assert!(ids_refused, "ids in beta: {:?}", in_beta);
    }

    #[test]
    fn every_cursor_shape_may_be_sent_with_either_generation(id in valid_id()) {
        let cursors = [
            ListParams::new().after_id(id.clone()),
            ListParams::new().before_id(id.clone()),
            ListParams::new().page(format!("page_{id}")),
        ];
        for params in cursors {
            prop_assert_eq!(params.validate(ApiGeneration::Beta), Ok(()));
            prop_assert_eq!(params.validate(ApiGeneration::Ga), Ok(()));
        }
    }

    #[test]
    fn upload_params_check_filename_and_expiry(name in valid_filename(255), seconds in 3_600u64..=7_776_000) {
        prop_assert_eq!(UploadParams::new().filename(name.clone()).validate(ApiGeneration::Beta), Ok(()));
        let ga = UploadParams::new().filename(name).expires_in_seconds(seconds);
        prop_assert_eq!(ga.validate(ApiGeneration::Ga), Ok(()));
        prop_assert!(ga.validate(ApiGeneration::Beta).is_err(), "expires_in_seconds is GA only");
    }
}

// ---- batch JSONL ----

fn custom_id() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_-]{1,64}"
}

fn request_line(id: &str) -> String {
    serde_json::json!({"custom_id": id, "params": {"model": "m", "max_tokens": 1}}).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn unique_valid_requests_pass_in_any_chunking(
        ids in proptest::collection::hash_set(custom_id(), 1..30),
        blank_every in 2usize..6,
        chunk in 1usize..200,
    ) {
        let mut jsonl = String::new();
        for (i, id) in ids.iter().enumerate() {
            if i % blank_every == 0 {
                jsonl.push_str("  \n");
            }
            jsonl.push_str(&request_line(id));
            jsonl.push_str(if i % 2 == 0 { "\n" } else { "\r\n" });
        }
        prop_assert_eq!(validate_batch_jsonl(jsonl.as_bytes()), Ok(ids.len()));
        let mut check = BatchJsonlValidator::new();
        for piece in jsonl.as_bytes().chunks(chunk) {
            check.feed(piece).unwrap();
        }
        prop_assert_eq!(check.finish(), Ok(ids.len()));
    }

    #[test]
    fn a_duplicate_id_names_both_lines(ids in proptest::collection::hash_set(custom_id(), 2..20), dup in any::<prop::sample::Index>()) {
        let ids: Vec<String> = ids.into_iter().collect();
        let first = dup.index(ids.len());
        let mut lines: Vec<String> = ids.iter().map(|id| request_line(id)).collect();
        lines.push(request_line(&ids[first]));
        let jsonl = lines.join("\n");
        prop_assert_eq!(
            validate_batch_jsonl(jsonl.as_bytes()),
            Err(ValidationError::BatchLine {
                line: ids.len() + 1,
                problem: BatchProblem::DuplicateCustomId { custom_id: ids[first].clone(), first_line: first + 1 },
            })
        );
    }

    #[test]
    fn invalid_custom_ids_fail(bad in prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9_-]{65,80}",
        "[a-z]{0,5}[ .!/@é][a-z]{0,5}",
    ], good_before in 0usize..5) {
        prop_assert!(!is_valid_custom_id(&bad));
        let mut lines: Vec<String> = (0..good_before).map(|i| request_line(&format!("ok{i}"))).collect();
        lines.push(request_line(&bad));
        prop_assert_eq!(
            validate_batch_jsonl(lines.join("\n").as_bytes()),
            Err(ValidationError::BatchLine { line: good_before + 1, problem: BatchProblem::CustomIdInvalid { custom_id: bad } })
        );
    }

    #[test]
    fn every_malformed_line_class_is_named(which in 0usize..7, good_before in 0usize..4) {
        let (line, problem) = match which {
            0 => ("not json".to_owned(), None),
            1 => ("[1,2]".to_owned(), Some(BatchProblem::NotAnObject)),
            2 => (r#"{"params":{}}"#.to_owned(), Some(BatchProblem::MissingCustomId)),
            3 => (r#"{"custom_id":7,"params":{}}"#.to_owned(), Some(BatchProblem::CustomIdNotString)),
            4 => (r#"{"custom_id":"a"}"#.to_owned(), Some(BatchProblem::MissingParams)),
            5 => (r#"{"custom_id":"a","params":[]}"#.to_owned(), Some(BatchProblem::ParamsNotObject)),
            _ => (String::from_utf8_lossy(b"\xff").into_owned(), None),
        };
        let mut jsonl: Vec<u8> = (0..good_before).flat_map(|i| (request_line(&format!("ok{i}")) + "\n").into_bytes()).collect();
        if which == 6 {
            jsonl.extend_from_slice(b"{\"custom_id\":\"\xff\"}");
        } else {
            jsonl.extend_from_slice(line.as_bytes());
        }
        let err = validate_batch_jsonl(&jsonl).unwrap_err();
        match (err, problem) {
            (ValidationError::BatchLine { line, problem: got }, Some(want)) => {
                prop_assert_eq!(line, good_before + 1);
                prop_assert_eq!(got, want);
            }
            (ValidationError::BatchLine { line, problem: BatchProblem::NotJson { .. } }, None) if which == 0 => {
                prop_assert_eq!(line, good_before + 1);
            }
            (ValidationError::BatchLine { line, problem: BatchProblem::NotUtf8 }, None) if which == 6 => {
                prop_assert_eq!(line, good_before + 1);
            }
            (other, _) => prop_assert!(false, "unexpected {other:?}"),
        }
    }
}

// ---- exact boundaries ----

#[test]
fn filename_boundaries() {
    assert_eq!(validate_filename(""), Err(ValidationError::FilenameEmpty));
    assert_eq!(validate_filename("a"), Ok(()));
    assert_eq!(
        validate_filename(&"é".repeat(255)),
        Ok(()),
        "255 characters, 510 bytes"
    );
    assert_eq!(
        validate_filename(&"a".repeat(256)),
        Err(ValidationError::FilenameTooLong { chars: 256 })
    );
    assert_eq!(validate_filename(" "), Ok(()), "space (32) is allowed");
    assert_eq!(
        validate_filename("\u{1f}"),
        Err(ValidationError::FilenameControlCharacter {
            code_point: 31,
            position: 0
        })
    );
    assert_eq!(FORBIDDEN_FILENAME_CHARS, FORBIDDEN);
    for character in FORBIDDEN {
        assert_eq!(
            validate_filename(&format!("a{character}")),
            Err(ValidationError::FilenameForbiddenCharacter {
                character,
                position: 1
            })
        );
    }
}

#[test]
fn numeric_boundaries() {
    assert!(validate_limit(0).is_err());
    assert!(validate_limit(1).is_ok());
    assert!(validate_limit(1000).is_ok());
    assert!(validate_limit(1001).is_err());
    assert!(validate_expires_in_seconds(3_599).is_err());
    assert!(validate_expires_in_seconds(3_600).is_ok());
    assert!(validate_expires_in_seconds(7_776_000).is_ok());
    assert!(validate_expires_in_seconds(7_776_001).is_err());
    assert!(validate_file_size(524_288_000).is_ok());
    assert!(validate_file_size(524_288_001).is_err());
    assert!(validate_ids(&vec!["f"; 100]).is_ok());
    assert!(validate_ids(&vec!["f"; 101]).is_err());
    assert_eq!(
        validate_file_id(""),
        Err(ValidationError::FileIdEmpty {
            field: "file_id".into()
        })
    );
    for dots in [".", "..", "..."] {
        assert_eq!(
            validate_file_id(dots),
            Err(ValidationError::FileIdDotSegment {
                field: "file_id".into()
            })
        );
    }
    assert_eq!(
        validate_file_id("file.v2"),
        Ok(()),
        "a dot inside an id is fine"
    );
    assert!(is_valid_custom_id(&"a".repeat(64)));
    assert!(!is_valid_custom_id(&"a".repeat(65)));
    assert_eq!(validate_batch_jsonl(b""), Err(ValidationError::BatchEmpty));
    assert_eq!(
        validate_batch_jsonl(b"\n \n"),
        Err(ValidationError::BatchEmpty)
    );
}
