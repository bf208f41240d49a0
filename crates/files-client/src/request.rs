//! [`RequestSpec`]: one call's method, path, query and body, turned into what
//! the send loop takes (an [`Outgoing`] request and its [`SendPolicy`]) with
//! the configuration's and the call's options applied.

use files_transport::{NoProgressTimeout, RequestBody};
use http::{HeaderValue, Method};

use crate::Error;
use crate::client::{Outgoing, SendPolicy};
use crate::config::Config;
use crate::headers::request_headers;
use crate::local_failure::LocalFailure;
use crate::options::RequestOptions;

/// A call to make.
pub(crate) struct RequestSpec {
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: RequestBody,
    pub content_type: Option<HeaderValue>,
    pub accept: &'static str,
    pub local_failure: LocalFailure,
}

impl RequestSpec {
    pub(crate) fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            query: Vec::new(),
            body: RequestBody::empty(),
            content_type: None,
            accept: "application/json",
            local_failure: LocalFailure::default(),
        }
    }

    /// The request and its policy under `config` and the call's `options`.
    pub(crate) fn build(
        self,
        config: &Config,
        options: &RequestOptions,
    ) -> Result<(Outgoing, SendPolicy), Error> {
        let mut url = format!("{}{}", config.base_url, self.path);
        if !self.query.is_empty() {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (name, value) in &self.query {
                query.append_pair(name, value);
            }
            url.push('?');
            url.push_str(&query.finish());
        }
        let mut headers = request_headers(config, options, self.accept)?;
        if let Some(content_type) = self.content_type {
            headers.insert(http::header::CONTENT_TYPE, content_type);
        }
        if let Some(length) = self.body.content_length()
            && (length > 0 || self.method == Method::POST)
        {
            headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        let timeout = options.timeout.unwrap_or(config.timeout);
        let policy = SendPolicy {
            max_retries: options.max_retries.unwrap_or(config.max_retries),
            no_progress: NoProgressTimeout::new(timeout),
            operation_timeout: options.operation_timeout.or(config.operation_timeout),
        };
        let outgoing = Outgoing {
            method: self.method,
            path: self.path,
            url,
            headers,
            body: self.body,
            local_failure: self.local_failure,
            response_into: options.response_into.clone(),
        };
        Ok((outgoing, policy))
    }
}
