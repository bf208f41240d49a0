//! The input of the `server_requests` target: the steps its `arbitrary` bytes
//! decode to. A module of its own so that `cargo xtask fuzz-seeds` can make
//! seeds of exactly these types (docs/FUZZING.md).

use arbitrary::Arbitrary;

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
    Put,
    Head,
    Other(String),
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub enum Id {
    /// The n-th file this input stored (or a made-up id when there is none).
    Stored(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub enum Path {
    Files,
    File(Id),
    Content(Id),
    Raw(String),
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Good,
    Bearer,
    Missing,
    Empty,
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    File(Option<String>),
    Expires,
    Raw(String),
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub disposition: Disposition,
    pub content_type: Option<String>,
    pub extra_headers: Vec<(String, String)>,
    pub data: Vec<u8>,
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Empty,
    Raw(Vec<u8>),
    Multipart { parts: Vec<Part>, close: bool },
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub path: Path,
    pub query: Vec<(String, String)>,
    pub key: Key,
    pub beta: bool,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    pub body: Body,
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Send(Request),
    Fault { route: u8, status: u16 },
    Drop { route: u8 },
}
