//! Sending a file as a browser's file input does: a `multipart/form-data` body built by hand
//! (the client's own multipart support is not compiled in), with the session's CSRF token.

use super::{Client, Page};

const BOUNDARY: &str = "----closedsetTestBoundary7MA4YWxkTrZu0gW";

/// A multipart body with these text fields and one file.
pub fn multipart_body(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Client {
    /// Uploads `bytes` as the file field `script` named `file_name`, with these fields and the
    /// session's CSRF token (unless `with_token` is false).
    pub async fn upload(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: &[u8],
        with_token: bool,
    ) -> Page {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if with_token {
            all.push(("csrf", &token));
        }
        let body = multipart_body(&all, Some(("script", file_name, bytes)));
        self.send_multipart(path, body).await
    }

    /// Posts a multipart body exactly as given.
    pub async fn send_multipart(&mut self, path: &str, body: Vec<u8>) -> Page {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
            .await;
        self.page(response.unwrap()).await
    }
}
