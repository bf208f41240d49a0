//! Bytes that `arbitrary` 1.x decodes to chosen values: the inverse of its
//! decoding for the types the fuzz targets' inputs use.
//!
//! `arbitrary` reads values from the front of the data and collection and
//! string lengths from its end, each length in as many bytes as the data
//! still left needs (one while at most 256 bytes are left). So the encoder
//! records the reads in the order the decoder makes them and lays them out
//! once the total length is known ([`Encoder::finish`]). The seeds it makes
//! are checked by decoding them with `arbitrary` itself.

/// One read the decoder makes.
#[derive(Debug)]
enum Read {
    /// Bytes from the front.
    Front(Vec<u8>),
    /// A byte length from the back.
    Len(usize),
}

/// The reads, in decoding order.
#[derive(Debug, Default)]
pub struct Encoder {
    reads: Vec<Read>,
}

impl Encoder {
    pub fn u8(&mut self, value: u8) {
        self.reads.push(Read::Front(vec![value]));
    }

    pub fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }

    pub fn u16(&mut self, value: u16) {
        self.reads.push(Read::Front(value.to_le_bytes().to_vec()));
    }

    pub fn u32(&mut self, value: u32) {
        self.reads.push(Read::Front(value.to_le_bytes().to_vec()));
    }

    pub fn u64(&mut self, value: u64) {
        self.reads.push(Read::Front(value.to_le_bytes().to_vec()));
    }

    /// The variant `index` of an enum of `count` variants (derived: a `u32`
    /// scaled to the count).
    pub fn variant(&mut self, index: u32, count: u32) {
        let raw = (u64::from(index) << 32).div_ceil(u64::from(count));
        let raw = u32::try_from(raw).unwrap_or(u32::MAX);
        assert_eq!((u64::from(raw) * u64::from(count)) >> 32, u64::from(index));
        self.u32(raw);
    }

    pub fn option<T>(&mut self, value: Option<&T>, mut some: impl FnMut(&mut Self, &T)) {
        self.bool(value.is_some());
        if let Some(value) = value {
            some(self, value);
        }
    }

    /// A string: its length from the back, then its bytes.
    pub fn string(&mut self, value: &str) {
        self.reads.push(Read::Len(value.len()));
        self.reads.push(Read::Front(value.as_bytes().to_vec()));
    }

    /// A `Vec` (or a `take_rest` one): "one more" before each item, "no more"
    /// at the end.
    pub fn vec<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        for value in items {
            self.bool(true);
            item(self, value);
        }
        self.bool(false);
    }

    pub fn bytes(&mut self, value: &[u8]) {
        self.vec(value, |e, b| e.u8(*b));
    }

    /// The data: the front reads in order, then the lengths, the first one
    /// read last.
    pub fn finish(self) -> Vec<u8> {
        let front_len: usize = self
            .reads
            .iter()
            .map(|r| match r {
                Read::Front(bytes) => bytes.len(),
                Read::Len(_) => 0,
            })
            .sum();
        // Each length's width depends on what is left when it is read, and
        // what is left on the widths: start from one byte each and widen
        // until nothing changes (widths only grow).
        let lens = self
            .reads
            .iter()
            .filter(|r| matches!(r, Read::Len(_)))
            .count();
        let mut widths = vec![1_usize; lens];
        loop {
            let total = front_len + widths.iter().sum::<usize>();
            let next = self.widths(total);
            if next == widths {
                break;
            }
            widths = next;
        }
        let total = front_len + widths.iter().sum::<usize>();
        let mut front = Vec::with_capacity(total);
        let mut back: Vec<Vec<u8>> = Vec::new();
        let mut left = total;
        let mut width = widths.iter();
        for read in &self.reads {
            match read {
                Read::Front(bytes) => {
                    front.extend_from_slice(bytes);
                    left -= bytes.len();
                }
                Read::Len(n) => {
                    let w = *width.next().unwrap_or(&0);
                    back.push(len_bytes(*n, left, w));
                    left -= w;
                }
            }
        }
        for chunk in back.iter().rev() {
            front.extend_from_slice(chunk);
        }
        assert_eq!(front.len(), total);
        front
    }

    /// The width of each length read when the data is `total` bytes long.
    fn widths(&self, total: usize) -> Vec<usize> {
        let mut left = total;
        let mut widths = Vec::new();
        for read in &self.reads {
            match read {
                Read::Front(bytes) => left = left.saturating_sub(bytes.len()),
                Read::Len(_) => {
                    let w = width(left);
                    widths.push(w);
                    left = left.saturating_sub(w);
                }
            }
        }
        widths
    }
}

/// How many bytes `arbitrary` takes for a length when `left` bytes are left.
fn width(left: usize) -> usize {
    match left {
        0 => 0,
        1..=256 => 1,
        257..=65_537 => 2,
        _ => 4,
    }
}

/// The `width` bytes that decode to the length `n` when `left` bytes are
/// left: big-endian, only as many bytes as the range needs are read.
fn len_bytes(n: usize, left: usize, width: usize) -> Vec<u8> {
    if width == 0 || left <= 1 {
        assert_eq!(n, 0, "a length of {n} with {left} bytes left");
        return vec![0; width];
    }
    let max = left - width;
    assert!(n <= max, "a length of {n} with {left} bytes left");
    let used = (0..width).take_while(|k| (max >> (8 * k)) > 0).count();
    let mut bytes: Vec<u8> = (0..used)
        .rev()
        .map(|k| u8::try_from((n >> (8 * k)) & 0xff).unwrap_or(0))
        .collect();
    bytes.resize(width, 0);
    bytes
}
