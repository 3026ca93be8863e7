//! HTTP/1.1 by hand over a TCP socket, for requests an HTTP client library tidies away: a path
//! holding `..` or `%2B1` sent exactly as written, a 10 MB body the server stops reading.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What came back, decoded enough to judge it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub location: String,
    /// The session cookie the server set, `closedset=…`, if it set one.
    pub cookie: Option<String>,
    pub body: String,
}

impl Reply {
    /// A page of ours: HTML with a document, not an extractor's plain text or an empty body.
    pub fn is_html_page(&self) -> bool {
        self.content_type.starts_with("text/html")
            && self.body.to_ascii_lowercase().contains("<html")
    }
}

/// One request, `Connection: close`. The body is written while the answer is read, so a server
/// that answers before reading all of it (413) is heard rather than lost to a broken pipe.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<Reply, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut reader, mut writer) = stream.into_split();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // The write half stays open until the answer is read: hyper drops a connection whose
    // client has half-closed it, answer and all.
    let (read, done) = tokio::sync::oneshot::channel::<()>();
    let writing = tokio::spawn(async move {
        let written = async {
            writer.write_all(head.as_bytes()).await?;
            for chunk in body.chunks(64 * 1024) {
                writer.write_all(chunk).await?;
            }
            writer.flush().await
        };
        let _ = written.await;
        let _ = done.await;
    });
    let mut raw = Vec::new();
    let reading = async {
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            match reader.read(&mut chunk).await {
                Ok(0) => return Ok(()),
                Ok(n) => raw.extend_from_slice(&chunk[..n]),
                // A server that answered without reading the whole body may reset the
                // connection after its answer: what arrived before the reset stands.
                Err(_) if !raw.is_empty() => return Ok(()),
                Err(e) => return Err(format!("reading: {e}")),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), reading)
        .await
        .map_err(|_| "no answer within 30 s".to_string())??;
    let _ = read.send(());
    writing.abort();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Result<Reply, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no complete answer ({} bytes)", raw.len()))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("no status line")?;
    let mut reply = Reply {
        status,
        content_type: String::new(),
        location: String::new(),
        cookie: None,
        body: String::new(),
    };
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-type" => reply.content_type = value.to_ascii_lowercase(),
            "location" => reply.location = value.to_string(),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            "set-cookie" if value.starts_with("closedset=") => {
                reply.cookie = value.split(';').next().map(str::to_string)
            }
            _ => {}
        }
    }
    let body = &raw[split + 4..];
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    reply.body = String::from_utf8_lossy(&body).into_owned();
    Ok(reply)
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&rest[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        rest = &rest[end + 2..];
        if size == 0 || size > rest.len() {
            break;
        }
        out.extend_from_slice(&rest[..size]);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
    out
}
