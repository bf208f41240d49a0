//! Object ids: a prefix and 22 base62 characters that carry a sequence number (the
//! listing order) and a random salt. A cursor id therefore keeps its place in the
//! order even after its file is deleted, and a listing never scans for it.

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS: usize = 22; // 62^22 > 2^128

/// Encodes `seq` and `salt` as `prefix` + 22 base62 characters.
pub(crate) fn encode(prefix: &str, seq: u64, salt: u64) -> String {
    let mut n = (u128::from(seq) << 64) | u128::from(salt);
    let mut digits = [b'0'; DIGITS];
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    let mut id = String::with_capacity(prefix.len() + DIGITS);
    id.push_str(prefix);
    id.extend(digits.iter().map(|&d| char::from(d)));
    id
}

/// The sequence number inside an id of `prefix`, if it is one of ours.
pub(crate) fn decode_seq(prefix: &str, id: &str) -> Option<u64> {
    let digits = id.strip_prefix(prefix)?;
    if digits.len() != DIGITS {
        return None;
    }
    let mut n: u128 = 0;
    for byte in digits.bytes() {
        let value = ALPHABET.iter().position(|&a| a == byte)? as u128;
        n = n.checked_mul(62)?.checked_add(value)?;
    }
    u64::try_from(n >> 64).ok()
}

/// A new file id for `seq`.
pub(crate) fn file_id(seq: u64) -> String {
    encode("file_", seq, fastrand::u64(..))
}

/// A new request id.
pub(crate) fn request_id() -> String {
    encode("req_", fastrand::u64(..), fastrand::u64(..))
}

/// The GA page token that resumes after `seq`.
pub(crate) fn page_token(seq: u64) -> String {
    encode("page_", seq, fastrand::u64(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_their_sequence() {
        for seq in [0, 1, 61, 62, 1 << 40, u64::MAX] {
            let id = file_id(seq);
            assert_eq!(id.len(), 5 + 22);
            assert_eq!(decode_seq("file_", &id), Some(seq), "{id}");
            assert_eq!(decode_seq("page_", &page_token(seq)), Some(seq));
        }
        assert_eq!(decode_seq("file_", "file_short"), None);
        assert_eq!(decode_seq("file_", "page_0000000000000000000000"), None);
        assert_eq!(
            decode_seq("file_", "file_zzzzzzzzzzzzzzzzzzzzzz"),
            None,
            "overflows 128 bits"
        );
    }
}
