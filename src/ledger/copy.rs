//! Reading a production's entries as PostgreSQL's binary COPY stream, for `ledger verify`.
//!
//! A million entries through the row-at-a-time query path cost a few microseconds each in
//! decoding and allocation alone; COPY hands over the same columns as length-prefixed bytes
//! that can be checked where they lie. The format is PostgreSQL's documented binary COPY
//! ("COPY … TO STDOUT WITH (FORMAT binary)"): a signature, flags and a header extension, then
//! per tuple a 16-bit field count and per field a 32-bit length (−1 for null) and its bytes,
//! and a count of −1 at the end.

use super::verify::EntryView;

const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01), which binary timestamps
/// count from.
const PG_EPOCH_US: i64 = 946_684_800_000_000;

/// The statement whose output `Reader` reads: the columns `EntryView` needs, in its order.
pub fn statement(production_id: i64) -> String {
    format!(
        "copy (select consent_event_id, production_id, seq, event, rider_id, actor_user_id,
                      occurred_at, details, content_hash, prev_hash, entry_hash
               from consent_event where production_id = {production_id} order by seq)
         to stdout with (format binary)"
    )
}

/// Why the stream could not be read: never a tampering verdict, a transport fault.
#[derive(Debug, thiserror::Error)]
#[error("the database's COPY stream is not as expected: {0}")]
pub struct Unreadable(&'static str);

/// Takes bytes as they arrive and hands out complete entries.
#[derive(Default)]
pub struct Reader {
    buffer: Vec<u8>,
    header_read: bool,
    finished: bool,
}

fn int(bytes: &[u8]) -> Option<i64> {
    Some(i64::from_be_bytes(bytes.try_into().ok()?))
}

impl Reader {
    pub fn new() -> Self {
        Reader::default()
    }

    /// Appends `chunk` and calls `each` for every entry now complete.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        mut each: impl FnMut(&EntryView<'_>),
    ) -> Result<(), Unreadable> {
        // The usual case, one whole entry per chunk: read it where it lies, copy nothing.
        if self.header_read && self.buffer.is_empty() {
            let used = entries(chunk, &mut self.finished, &mut each)?;
            self.buffer.extend_from_slice(&chunk[used..]);
            return Ok(());
        }
        self.buffer.extend_from_slice(chunk);
        let mut at = 0;
        if !self.header_read {
            // Signature, flags (4), extension length (4), extension.
            if self.buffer.len() < SIGNATURE.len() + 8 {
                return Ok(());
            }
            if &self.buffer[..SIGNATURE.len()] != SIGNATURE {
                return Err(Unreadable("no binary COPY signature"));
            }
            let ext = u32::from_be_bytes(
                self.buffer[SIGNATURE.len() + 4..SIGNATURE.len() + 8]
                    .try_into()
                    .expect("four bytes"),
            ) as usize;
            if self.buffer.len() < SIGNATURE.len() + 8 + ext {
                return Ok(());
            }
            at = SIGNATURE.len() + 8 + ext;
            self.header_read = true;
        }
        at += entries(&self.buffer[at..], &mut self.finished, &mut each)?;
        self.buffer.drain(..at);
        Ok(())
    }

    /// Whether the end-of-data marker arrived: a stream cut short is an error, not a shorter log.
    pub fn finish(self) -> Result<(), Unreadable> {
        if self.finished && self.buffer.is_empty() {
            Ok(())
        } else {
            Err(Unreadable("the stream ended early"))
        }
    }
}

/// Hands out every complete entry at the start of `bytes`; returns how many bytes they took.
fn entries(
    bytes: &[u8],
    finished: &mut bool,
    each: &mut impl FnMut(&EntryView<'_>),
) -> Result<usize, Unreadable> {
    let mut at = 0;
    loop {
        match tuple(&bytes[at..])? {
            Tuple::Incomplete => return Ok(at),
            Tuple::End => {
                *finished = true;
                return Ok(bytes.len());
            }
            Tuple::Entry(used, entry) => {
                each(&entry);
                at += used;
            }
        }
    }
}

enum Tuple<'a> {
    Incomplete,
    End,
    Entry(usize, EntryView<'a>),
}

fn text(f: Option<&[u8]>) -> Result<&str, Unreadable> {
    std::str::from_utf8(f.ok_or(Unreadable("a text column is null"))?)
        .map_err(|_| Unreadable("a text column is not UTF-8"))
}

fn tuple(bytes: &[u8]) -> Result<Tuple<'_>, Unreadable> {
    let Some(count) = bytes.get(..2) else {
        return Ok(Tuple::Incomplete);
    };
    let count = i16::from_be_bytes(count.try_into().expect("two bytes"));
    if count == -1 {
        return Ok(Tuple::End);
    }
    if count != 11 {
        return Err(Unreadable(
            "a row does not have the eleven columns asked for",
        ));
    }
    let mut fields: [Option<&[u8]>; 11] = [None; 11];
    let mut at = 2;
    for field in fields.iter_mut() {
        let Some(len) = bytes.get(at..at + 4) else {
            return Ok(Tuple::Incomplete);
        };
        let len = i32::from_be_bytes(len.try_into().expect("four bytes"));
        at += 4;
        if len >= 0 {
            let Some(value) = bytes.get(at..at + len as usize) else {
                return Ok(Tuple::Incomplete);
            };
            *field = Some(value);
            at += len as usize;
        }
    }
    let number = |f: Option<&[u8]>| -> Result<i64, Unreadable> {
        f.and_then(int)
            .ok_or(Unreadable("a number column is not eight bytes"))
    };
    let nullable = |f: Option<&[u8]>| -> Result<Option<i64>, Unreadable> {
        f.map(|b| int(b).ok_or(Unreadable("a number column is not eight bytes")))
            .transpose()
    };
    let [
        id,
        production,
        seq,
        event,
        rider,
        actor,
        at_time,
        details,
        content,
        prev,
        hash,
    ] = fields;
    let entry = EntryView {
        consent_event_id: number(id)?,
        production_id: number(production)?,
        seq: number(seq)?,
        event: text(event)?,
        rider_id: nullable(rider)?,
        actor_user_id: nullable(actor)?,
        occurred_at_us: number(at_time)? + PG_EPOCH_US,
        details: text(details)?,
        content_hash: content.unwrap_or_default(),
        prev_hash: prev.unwrap_or_default(),
        entry_hash: hash.unwrap_or_default(),
    };
    Ok(Tuple::Entry(at, entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(out: &mut Vec<u8>, value: Option<&[u8]>) {
        match value {
            Some(v) => {
                out.extend_from_slice(&(v.len() as i32).to_be_bytes());
                out.extend_from_slice(v);
            }
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }

    fn stream(rows: i64) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        for seq in 1..=rows {
            out.extend_from_slice(&11i16.to_be_bytes());
            field(&mut out, Some(&(seq * 10).to_be_bytes()));
            field(&mut out, Some(&7i64.to_be_bytes()));
            field(&mut out, Some(&seq.to_be_bytes()));
            field(&mut out, Some(b"signed"));
            field(&mut out, None);
            field(&mut out, Some(&4i64.to_be_bytes()));
            field(&mut out, Some(&0i64.to_be_bytes()));
            field(&mut out, Some(b"{\"a\":1}"));
            field(&mut out, Some(b"c"));
            field(&mut out, Some(b"p"));
            field(&mut out, Some(b"h"));
        }
        out.extend_from_slice(&(-1i16).to_be_bytes());
        out
    }

    #[test]
    fn entries_are_read_whatever_the_chunk_boundaries() {
        let bytes = stream(5);
        for chunk in [1, 3, 7, 64, bytes.len()] {
            let mut reader = Reader::new();
            let mut seen = Vec::new();
            for piece in bytes.chunks(chunk) {
                reader
                    .feed(piece, |e| {
                        seen.push((e.seq, e.consent_event_id, e.rider_id, e.actor_user_id))
                    })
                    .unwrap();
            }
            reader.finish().unwrap();
            assert_eq!(
                seen,
                (1..=5)
                    .map(|s| (s, s * 10, None, Some(4)))
                    .collect::<Vec<_>>(),
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn timestamps_count_from_the_unix_epoch() {
        let mut reader = Reader::new();
        let mut at = 0;
        reader.feed(&stream(1), |e| at = e.occurred_at_us).unwrap();
        assert_eq!(at, PG_EPOCH_US);
    }

    #[test]
    fn a_stream_cut_short_is_an_error_not_a_shorter_log() {
        let bytes = stream(3);
        let mut reader = Reader::new();
        reader.feed(&bytes[..bytes.len() - 10], |_| {}).unwrap();
        assert!(reader.finish().is_err());
        assert!(
            Reader::new()
                .feed(b"not a copy stream at all", |_| {})
                .is_err()
        );
    }
}
