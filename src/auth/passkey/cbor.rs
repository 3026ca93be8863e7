//! A minimal CBOR reader (RFC 8949) for what WebAuthn sends: maps, arrays, byte and text
//! strings, and integers that fit an `i64`. Everything else (tags, floats, simple values,
//! indefinite lengths) is refused: no passkey we accept needs them, and a smaller reader is a
//! smaller surface for a hostile authenticator.

/// A decoded CBOR item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Value>),
    Map(Vec<(Value, Value)>),
}

/// How deep arrays and maps may nest: a COSE key or attestation object is two deep.
const MAX_DEPTH: usize = 8;

impl Value {
    /// The value under an integer key of a map.
    pub fn int_key(&self, key: i64) -> Option<&Value> {
        self.get(&Value::Int(key))
    }

    /// The value under a text key of a map.
    pub fn text_key(&self, key: &str) -> Option<&Value> {
        self.get(&Value::Text(key.to_string()))
    }

    fn get(&self, key: &Value) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// Decodes exactly one item that fills the whole input.
pub fn decode(input: &[u8]) -> Result<Value, &'static str> {
    let (value, used) = decode_prefix(input)?;
    if used != input.len() {
        return Err("trailing bytes after the CBOR item");
    }
    Ok(value)
}

/// Decodes one item at the start of the input; returns it and how many bytes it took (the
/// credential's key in authenticator data is followed by more data).
pub fn decode_prefix(input: &[u8]) -> Result<(Value, usize), &'static str> {
    let mut reader = Reader { input, at: 0 };
    let value = reader.item(0)?;
    Ok((value, reader.at))
}

struct Reader<'a> {
    input: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], &'static str> {
        let end = self.at.checked_add(n).ok_or("CBOR length overflows")?;
        let bytes = self.input.get(self.at..end).ok_or("CBOR item cut short")?;
        self.at = end;
        Ok(bytes)
    }

    /// The argument of a head: the additional information itself, or the 1, 2, 4 or 8 bytes
    /// after it. Indefinite lengths (31) and the reserved values are refused.
    fn argument(&mut self, info: u8) -> Result<u64, &'static str> {
        Ok(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take(1)?[0]),
            25 => u64::from(u16::from_be_bytes(
                self.take(2)?.try_into().unwrap_or([0; 2]),
            )),
            26 => u64::from(u32::from_be_bytes(
                self.take(4)?.try_into().unwrap_or([0; 4]),
            )),
            27 => u64::from_be_bytes(self.take(8)?.try_into().unwrap_or([0; 8])),
            _ => return Err("indefinite or reserved CBOR length"),
        })
    }

    /// A length that cannot be more than the bytes left (each element takes at least one).
    fn length(&mut self, info: u8) -> Result<usize, &'static str> {
        let n = self.argument(info)?;
        let left = (self.input.len() - self.at) as u64;
        if n > left {
            return Err("CBOR length beyond the input");
        }
        Ok(n as usize)
    }

    fn item(&mut self, depth: usize) -> Result<Value, &'static str> {
        if depth > MAX_DEPTH {
            return Err("CBOR nested too deep");
        }
        let head = self.take(1)?[0];
        let (major, info) = (head >> 5, head & 0x1f);
        match major {
            0 => {
                let n = self.argument(info)?;
                i64::try_from(n)
                    .map(Value::Int)
                    .map_err(|_| "CBOR integer too large")
            }
            1 => {
                let n = self.argument(info)?;
                i64::try_from(n)
                    .map(|n| Value::Int(-1 - n))
                    .map_err(|_| "CBOR integer too large")
            }
            2 => {
                let n = self.length(info)?;
                Ok(Value::Bytes(self.take(n)?.to_vec()))
            }
            3 => {
                let n = self.length(info)?;
                let text = std::str::from_utf8(self.take(n)?).map_err(|_| "CBOR text not UTF-8")?;
                Ok(Value::Text(text.to_string()))
            }
            4 => {
                let n = self.length(info)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Ok(Value::Array(items))
            }
            5 => {
                let n = self.length(info)?;
                let mut entries: Vec<(Value, Value)> = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.item(depth + 1)?;
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err("CBOR map repeats a key");
                    }
                    let value = self.item(depth + 1)?;
                    entries.push((key, value));
                }
                Ok(Value::Map(entries))
            }
            _ => Err("CBOR tags, floats and simple values are not accepted"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Value, decode, decode_prefix};

    #[test]
    fn reads_integers_of_every_width_and_sign() {
        assert_eq!(decode(&[0x00]), Ok(Value::Int(0)));
        assert_eq!(decode(&[0x17]), Ok(Value::Int(23)));
        assert_eq!(decode(&[0x18, 0xff]), Ok(Value::Int(255)));
        assert_eq!(decode(&[0x19, 0x01, 0x00]), Ok(Value::Int(256)));
        assert_eq!(decode(&[0x1a, 0, 1, 0, 0]), Ok(Value::Int(65536)));
        assert_eq!(decode(&[0x20]), Ok(Value::Int(-1)));
        assert_eq!(decode(&[0x26]), Ok(Value::Int(-7)));
        assert_eq!(decode(&[0x38, 0x63]), Ok(Value::Int(-100)));
        assert!(decode(&[0x1b, 0xff, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn reads_strings_arrays_and_maps() {
        assert_eq!(decode(&[0x43, 1, 2, 3]), Ok(Value::Bytes(vec![1, 2, 3])));
        assert_eq!(
            decode(&[0x64, b'n', b'o', b'n', b'e']),
            Ok(Value::Text("none".into()))
        );
        assert_eq!(
            decode(&[0x82, 0x01, 0x20]),
            Ok(Value::Array(vec![Value::Int(1), Value::Int(-1)]))
        );
        let map = decode(&[0xa2, 0x01, 0x02, 0x63, b'f', b'm', b't', 0x40]).unwrap();
        assert_eq!(map.int_key(1), Some(&Value::Int(2)));
        assert_eq!(map.text_key("fmt"), Some(&Value::Bytes(vec![])));
        assert_eq!(map.int_key(3), None);
    }

    #[test]
    fn refuses_what_webauthn_does_not_need_and_malformed_input() {
        // A tag, a float, true, an indefinite-length byte string.
        for bad in [
            &[0xc0, 0x00][..],
            &[0xf9, 0x3c, 0x00],
            &[0xf5],
            &[0x5f, 0x41, 0x00, 0xff],
        ] {
            assert!(decode(bad).is_err(), "{bad:?}");
        }
        // Cut short, a length beyond the input, trailing bytes, invalid UTF-8, a repeated key.
        assert!(decode(&[0x43, 1, 2]).is_err());
        assert!(decode(&[0x9a, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(decode(&[0x01, 0x02]).is_err());
        assert!(decode(&[0x61, 0xff]).is_err());
        assert!(decode(&[0xa2, 0x01, 0x01, 0x01, 0x02]).is_err());
        assert!(decode(&[]).is_err());
        // Nesting past the limit.
        assert!(decode(&[0x81; 20].iter().copied().chain([0]).collect::<Vec<_>>()).is_err());
    }

    #[test]
    fn a_prefix_reports_how_much_it_used() {
        assert_eq!(decode_prefix(&[0x01, 0xff, 0xff]), Ok((Value::Int(1), 1)));
    }
}
