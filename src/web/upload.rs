//! File uploads (`multipart/form-data`), for the one form that sends a file: the script import.
//! The CSRF and one-time-key guards read the body once, capped at `MAX_UPLOAD_BYTES`, and find
//! their fields here; the handler gets the text fields as a `FormBody` and the files as bytes.

use axum::body::{Bytes, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};

use crate::error::AppError;
use crate::web::FormBody;

/// The largest upload read: a 2 MB script with room for the form's other fields.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024 + 64 * 1024;

/// A file sent with a form.
#[derive(Debug)]
pub struct UploadedFile {
    pub field: String,
    pub file_name: String,
    pub bytes: Bytes,
}

/// A `multipart/form-data` body: its text fields, read as any form is, and its files.
#[derive(Debug)]
pub struct Upload {
    pub form: FormBody,
    pub files: Vec<UploadedFile>,
}

impl Upload {
    /// The file sent in `field`, if one was chosen.
    pub fn file(&self, field: &str) -> Option<&UploadedFile> {
        self.files
            .iter()
            .find(|f| f.field == field && !(f.bytes.is_empty() && f.file_name.is_empty()))
    }
}

/// The boundary of a `multipart/form-data` body, or `None` for any other kind.
pub fn boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return None;
    }
    multer::parse_boundary(content_type).ok()
}

/// Reads a whole multipart body already in memory; a malformed one is unreadable (422).
pub async fn parse(bytes: Bytes, boundary: &str) -> Result<Upload, AppError> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::UnreadableForm)?
    {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|_| AppError::UnreadableForm)?;
                files.push(UploadedFile {
                    field: name,
                    file_name,
                    bytes,
                });
            }
            None => {
                let bytes = field.bytes().await.map_err(|_| AppError::UnreadableForm)?;
                let value =
                    String::from_utf8(bytes.to_vec()).map_err(|_| AppError::UnreadableForm)?;
                pairs.push((name, value));
            }
        }
    }
    Ok(Upload {
        form: FormBody::from_pairs(pairs),
        files,
    })
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        // A form sent without its file (urlencoded, a client that ignored the form's
        // enctype) is read as a form with no file: the handler says which file is missing.
        let Some(boundary) = boundary(req.headers()) else {
            return Ok(Upload {
                form: FormBody::from_request(req, state).await?,
                files: Vec::new(),
            });
        };
        let bytes = to_bytes(req.into_body(), MAX_UPLOAD_BYTES)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let upload = parse(bytes, &boundary).await?;
        if upload.form.has_unstorable_text() {
            return Err(AppError::UnreadableForm);
        }
        Ok(upload)
    }
}
