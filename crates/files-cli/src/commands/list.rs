//! `list`: every file, newest first, across pages.

use files_client::ListParams;
use futures_util::{StreamExt, TryStreamExt};

use crate::cli::ListArgs;
use crate::commands::context::Context;
use crate::failure::Failure;
use crate::output::document;

/// The listing's parameters from the options.
pub fn params(args: &ListArgs) -> ListParams {
    let mut params = ListParams::new();
    if let Some(limit) = args.limit {
        params = params.limit(limit);
    }
    if let Some(id) = &args.after_id {
        params = params.after_id(id);
    }
    if let Some(id) = &args.before_id {
        params = params.before_id(id);
    }
    if let Some(token) = &args.page {
        params = params.page(token);
    }
    if !args.ids.is_empty() {
        params = params.ids(args.ids.iter().cloned());
    }
    if let Some(scope) = &args.scope_id {
        params = params.scope_id(scope);
    }
    params
}

/// Runs `list`: each file is written as its page arrives, in every format
/// (JSONL and `-r` lines flushed one by one), so memory stays flat whatever
/// the length of the listing.
///
/// # Errors
/// Invalid parameters, an API refusal, or the API could not be reached.
pub async fn run(args: &ListArgs, cx: Context<'_>) -> Result<(), Failure> {
    let Context { files, output, .. } = cx;
    let mut items = files
        .list_items(params(args))
        .take(args.max_items.unwrap_or(usize::MAX));
    let mut list = output.start_list();
    while let Some(file) = items.try_next().await? {
        let value = document::from_model(&file)?;
        output.list_item(&mut list, &value)?;
    }
    output.end_list(list)
}
