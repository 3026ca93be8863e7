//! The sealed form of one field: XChaCha20-Poly1305 under a data key, naming that key and bound
//! to the table, column and row it belongs in, so a value copied elsewhere does not open.
//!
//! Layout: `0x01 ‖ data_key_id (8 bytes, big-endian) ‖ nonce (24) ‖ ciphertext ‖ tag (16)`.

use std::marker::PhantomData;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sqlx::Postgres;

/// The format byte every sealed value starts with.
const FORMAT: u8 = 0x01;
const HEADER: usize = 1 + 8 + 24;

/// Where a value lives: it is sealed for that place alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub table: &'static str,
    pub column: &'static str,
    /// The row's key as text (`"17"`, or `"4/9"` for a two-column key).
    pub row: String,
}

impl Field {
    pub fn new(table: &'static str, column: &'static str, row: impl ToString) -> Field {
        Field {
            table,
            column,
            row: row.to_string(),
        }
    }

    fn associated_data(&self, data_key_id: i64) -> Vec<u8> {
        format!(
            "closedset/sealed/v1\0{}\0{}\0{}\0{data_key_id}",
            self.table, self.column, self.row
        )
        .into_bytes()
    }
}

/// What a sealed value decodes to.
pub trait Plain: Sized {
    fn to_bytes(&self) -> Vec<u8>;
    fn from_bytes(bytes: Vec<u8>) -> Option<Self>;
}

impl Plain for String {
    fn to_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
    fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        String::from_utf8(bytes).ok()
    }
}

impl Plain for Vec<u8> {
    fn to_bytes(&self) -> Vec<u8> {
        self.clone()
    }
    fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        Some(bytes)
    }
}

/// A `T` sealed for one field. It reads and writes as `bytea` and has no way to become plain
/// text but `Vault::open`, so SQL only ever carries ciphertext.
pub struct Encrypted<T> {
    bytes: Vec<u8>,
    plain: PhantomData<fn() -> T>,
}

impl<T> Clone for Encrypted<T> {
    fn clone(&self) -> Self {
        Encrypted {
            bytes: self.bytes.clone(),
            plain: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Encrypted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Encrypted({} bytes)", self.bytes.len())
    }
}

impl<T> Encrypted<T> {
    /// The data key it was sealed under, if the bytes have the sealed layout.
    pub fn data_key_id(&self) -> Option<i64> {
        if self.bytes.len() < HEADER + 16 || self.bytes[0] != FORMAT {
            return None;
        }
        Some(i64::from_be_bytes(self.bytes[1..9].try_into().ok()?))
    }

    /// The raw bytes, as stored.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn from_stored(bytes: Vec<u8>) -> Self {
        Encrypted {
            bytes,
            plain: PhantomData,
        }
    }
}

impl<T: Plain> Encrypted<T> {
    pub(super) fn seal(
        key: &XChaCha20Poly1305,
        data_key_id: i64,
        field: &Field,
        value: &T,
    ) -> Encrypted<T> {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let plain = value.to_bytes();
        let sealed = key
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &field.associated_data(data_key_id),
                },
            )
            .expect("sealing in memory does not fail");
        let mut bytes = Vec::with_capacity(HEADER + sealed.len());
        bytes.push(FORMAT);
        bytes.extend_from_slice(&data_key_id.to_be_bytes());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Encrypted::from_stored(bytes)
    }

    /// The value, if it was sealed under `key` for exactly this field.
    pub(super) fn open_with(&self, key: &XChaCha20Poly1305, field: &Field) -> Option<T> {
        let data_key_id = self.data_key_id()?;
        let plain = key
            .decrypt(
                XNonce::from_slice(&self.bytes[9..HEADER]),
                Payload {
                    msg: &self.bytes[HEADER..],
                    aad: &field.associated_data(data_key_id),
                },
            )
            .ok()?;
        T::from_bytes(plain)
    }
}

impl<T> sqlx::Type<Postgres> for Encrypted<T> {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <Vec<u8> as sqlx::Type<Postgres>>::type_info()
    }
}

impl<T> sqlx::Encode<'_, Postgres> for Encrypted<T> {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <Vec<u8> as sqlx::Encode<Postgres>>::encode_by_ref(&self.bytes, buf)
    }
}

impl<'r, T> sqlx::Decode<'r, Postgres> for Encrypted<T> {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Encrypted::from_stored(<Vec<u8> as sqlx::Decode<
            Postgres,
        >>::decode(value)?))
    }
}
