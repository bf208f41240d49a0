//! Property tests of the wire models: every model survives a serde round trip, and
//! decoding ignores unknown fields added anywhere; open enums keep unknown values;
//! the paging rule follows the official SDKs.

use files_types::*;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,24}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn scope() -> impl Strategy<Value = FileScope> {
    (text(), prop_oneof![Just("session".to_owned()), text()]).prop_map(|(id, kind)| {
        let mut scope = FileScope::new(id);
        scope.scope_type = kind;
        scope
    })
}

fn metadata() -> impl Strategy<Value = FileMetadata> {
    (
        (text(), text(), text(), any::<u64>(), text()),
        (
            any::<bool>(),
            proptest::option::of(scope()),
            opt_text(),
            prop_oneof![Just("file".to_owned()), text()],
        ),
    )
        .prop_map(
            |((id, filename, mime, size, created), (downloadable, scope, expires, kind))| {
                let mut file = FileMetadata::new(id, filename, mime, size, created);
                file.downloadable = downloadable;
                file.scope = scope;
                file.expires_at = expires;
                file.object_type = kind;
                file
            },
        )
}

fn file_list() -> impl Strategy<Value = FileList> {
    (
        proptest::collection::vec(metadata(), 0..4),
        opt_text(),
        opt_text(),
        proptest::option::of(any::<bool>()),
        opt_text(),
    )
        .prop_map(|(data, first, last, more, next)| {
            let mut page = FileList::new(data);
            page.first_id = first;
            page.last_id = last;
            page.has_more = more;
            page.next_page = next;
            page
        })
}

fn error_type() -> impl Strategy<Value = ErrorType> {
    prop_oneof![
        proptest::sample::select(ErrorType::KNOWN.to_vec()),
        "[a-z_]{1,20}"
            .prop_filter("not a known type", |s| ErrorType::from(s.as_str())
                .is_unknown())
            .prop_map(ErrorType::from),
    ]
}

fn error_code() -> impl Strategy<Value = ErrorCode> {
    prop_oneof![
        proptest::sample::select(ErrorCode::KNOWN.to_vec()),
        "[a-z_]{1,20}".prop_map(ErrorCode::from),
    ]
}

fn error_response() -> impl Strategy<Value = ErrorResponse> {
    (
        error_type(),
        text(),
        proptest::option::of(proptest::option::of(error_code())),
        opt_text(),
    )
        .prop_map(|(kind, message, details, request_id)| {
            let mut error = ApiErrorObject::new(kind, message);
            error.details = details.map(|code| {
                let mut details = ErrorDetails::new();
                details.error_code = code;
                details
            });
            let mut body = ErrorResponse::new(error);
            body.request_id = request_id;
            body
        })
}

fn deleted() -> impl Strategy<Value = DeletedFile> {
    (text(), opt_text()).prop_map(|(id, kind)| {
        let mut deleted = DeletedFile::new(id);
        deleted.object_type = kind;
        deleted
    })
}

fn content_block() -> impl Strategy<Value = FileContentBlock> {
    prop_oneof![
        (
            text(),
            opt_text(),
            opt_text(),
            proptest::option::of(any::<bool>())
        )
            .prop_map(|(id, title, context, citations)| {
                let mut block = DocumentBlock::new(id);
                block.title = title;
                block.context = context;
                if let Some(enabled) = citations {
                    block = block.citations(enabled);
                }
                FileContentBlock::from(block)
            }),
        text().prop_map(|id| FileContentBlock::from(ImageBlock::new(id))),
        text().prop_map(|id| FileContentBlock::from(ContainerUploadBlock::new(id))),
    ]
}

/// Adds `extra` unknown fields to every JSON object in `value`, at every depth.
fn add_unknown_fields(value: &mut Value, extra: &[(String, Value)]) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                add_unknown_fields(child, extra);
            }
            for (key, val) in extra {
                map.entry(format!("zz_unknown_{key}"))
                    .or_insert(val.clone());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| add_unknown_fields(v, extra)),
        _ => {}
    }
}

fn unknown_fields() -> impl Strategy<Value = Vec<(String, Value)>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    let json = leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::vec(("[a-z]{1,5}", inner), 0..3)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    });
    proptest::collection::vec(("[a-z]{1,8}", json), 1..4)
}

fn round_trips<T>(model: &T, extra: &[(String, Value)]) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(model).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    prop_assert_eq!(&back, model);
    let mut newer = json;
    add_unknown_fields(&mut newer, extra);
    let from_newer: T = serde_json::from_value(newer).unwrap();
    prop_assert_eq!(&from_newer, model);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn file_metadata_round_trips(model in metadata(), extra in unknown_fields()) {
        round_trips(&model, &extra)?;
    }

    #[test]
    fn file_scope_round_trips(model in scope(), extra in unknown_fields()) {
        round_trips(&model, &extra)?;
    }

    #[test]
    fn deleted_file_round_trips(model in deleted(), extra in unknown_fields()) {
        round_trips(&model, &extra)?;
    }

    #[test]
    fn file_list_round_trips(model in file_list(), extra in unknown_fields()) {
        round_trips(&model, &extra)?;
    }

    #[test]
    fn error_response_round_trips(model in error_response(), extra in unknown_fields()) {
        round_trips(&model, &extra)?;
        round_trips(&model.error, &extra)?;
        if let Some(details) = &model.error.details {
            round_trips(details, &extra)?;
        }
    }

    #[test]
    fn content_blocks_round_trip(model in content_block(), extra in unknown_fields()) {
        round_trips(&model, &extra)?;
    }

    #[test]
    fn open_enums_keep_any_string(raw in "\\PC{0,30}") {
        let kind: ErrorType = serde_json::from_value(Value::from(raw.clone())).unwrap();
        prop_assert_eq!(kind.as_str(), raw.as_str());
        prop_assert_eq!(serde_json::to_value(&kind).unwrap(), Value::from(raw.clone()));
        let code: ErrorCode = serde_json::from_value(Value::from(raw.clone())).unwrap();
        prop_assert_eq!(code.as_str(), raw.as_str());
    }

    #[test]
    fn beta_paging_walks_the_right_way(
        page in file_list(),
        limit in proptest::option::of(1u32..=1000),
        start in prop_oneof![Just(None), "file_[a-z]{3}".prop_map(|s| Some(ListCursor::AfterId(s))), "file_[a-z]{3}".prop_map(|s| Some(ListCursor::BeforeId(s)))],
        scope in proptest::option::of("sess_[a-z]{3}"),
    ) {
        let mut page = page;
        page.next_page = None;
        let params = list_params(limit, start.clone(), scope.clone());
        let next = params.next_page(&page);
        if page.has_more != Some(true) || page.data.is_empty() {
            prop_assert_eq!(next, None);
        } else {
            let backwards = matches!(start, Some(ListCursor::BeforeId(_)));
            let pivot = if backwards { page.first_id.clone() } else { page.last_id.clone() };
            // An empty id names no page: the listing ends.
            match pivot.filter(|id| !id.is_empty()) {
                None => prop_assert_eq!(next, None),
                Some(id) => {
                    let want = if backwards { ListCursor::BeforeId(id) } else { ListCursor::AfterId(id) };
                    // The limit and scope are kept; the cursor moves.
                    prop_assert_eq!(next, Some(list_params(limit, Some(want), scope)));
                }
            }
        }
    }

    #[test]
    fn ga_paging_follows_next_page(page in file_list(), token in proptest::option::of("page_[a-zA-Z0-9]{1,12}"), ids in proptest::collection::vec("file_[a-z]{2}", 0..3)) {
        let mut page = page;
        page.next_page = token.clone();
        page.has_more = None;
        let params = ListParams::new().scope_id("s").ids(ids.clone());
        let next = params.next_page(&page);
        match (ids.is_empty(), token) {
            (false, _) => prop_assert_eq!(next, None, "a listing by ids is one page"),
            (true, None) => prop_assert_eq!(next, None),
            (true, Some(token)) => prop_assert_eq!(next, Some(ListParams::new().scope_id("s").page(token))),
        }
    }
}

#[test]
fn ga_and_beta_shapes_decode_into_the_same_models() {
    let beta: FileList =
        serde_json::from_str(r#"{"data":[],"first_id":null,"last_id":null,"has_more":false}"#)
            .unwrap();
    assert_eq!(beta.has_more, Some(false));
    assert_eq!(ListParams::new().next_page(&beta), None);
    let ga: FileList = serde_json::from_str(r#"{"data":[],"next_page":"page_abc"}"#).unwrap();
    assert_eq!(ga.next_page.as_deref(), Some("page_abc"));
    assert_eq!(
        ListParams::new().next_page(&ga),
        Some(ListParams::new().page("page_abc"))
    );

    let ga_file: FileMetadata = serde_json::from_str(
        r#"{"id":"file_1","type":"file","filename":"a.txt","mime_type":"text/plain","size_bytes":1,
            "created_at":"2026-10-21T00:00:00Z","downloadable":true,"scope":null,"expires_at":"2026-10-22T00:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(ga_file.expires_at.as_deref(), Some("2026-10-22T00:00:00Z"));
    assert!(ga_file.downloadable);
    assert_eq!(ga_file.scope, None);

    let minimal: FileMetadata = serde_json::from_str(
        r#"{"id":"f","filename":"a","mime_type":"text/plain","size_bytes":0,"created_at":"t"}"#,
    )
    .unwrap();
    assert_eq!(minimal.object_type, "file");
    assert!(!minimal.downloadable, "downloadable defaults to false");

    let err: ErrorResponse = serde_json::from_str(
        r#"{"type":"error","error":{"type":"brand_new_error","message":"m"},"request_id":"req_1"}"#,
    )
    .unwrap();
    assert_eq!(
        err.error.error_type,
        ErrorType::Unknown("brand_new_error".into())
    );
    assert_eq!(err.request_id.as_deref(), Some("req_1"));

    let deleted: DeletedFile = serde_json::from_str(r#"{"id":"file_1"}"#).unwrap();
    assert_eq!(deleted.object_type, None);
}

#[test]
fn required_fields_are_required() {
    assert!(serde_json::from_str::<FileMetadata>(r#"{"id":"f"}"#).is_err());
    assert!(serde_json::from_str::<FileList>(r#"{}"#).is_err());
    assert!(serde_json::from_str::<DeletedFile>(r#"{"type":"file_deleted"}"#).is_err());
}

/// `ListParams` with these parts, through its setters.
fn list_params(
    limit: Option<u32>,
    cursor: Option<ListCursor>,
    scope: Option<String>,
) -> ListParams {
    let mut params = ListParams::new();
    if let Some(limit) = limit {
        params = params.limit(limit);
    }
    params = match cursor {
        Some(ListCursor::AfterId(id)) => params.after_id(id),
        Some(ListCursor::BeforeId(id)) => params.before_id(id),
        Some(ListCursor::Page(token)) => params.page(token),
        _ => params,
    };
    if let Some(scope) = scope {
        params = params.scope_id(scope);
    }
    params
}
