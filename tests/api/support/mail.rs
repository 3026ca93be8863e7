//! A tiny SMTP server on loopback for tests: accepts everything (a login too, when it offers
//! one) and hands each mail, with the commands that carried it, to the test. It never offers
//! STARTTLS, so it also stands for a relay that cannot encrypt.

use std::time::Duration;

use closedset::config::SmtpRelay;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

pub struct MailSink {
    pub port: u16,
    mails: mpsc::UnboundedReceiver<String>,
}

impl MailSink {
    /// A sink that takes mail without a login.
    pub async fn start() -> MailSink {
        Self::start_offering_login(false).await
    }

    /// A sink that offers `AUTH PLAIN LOGIN` and accepts any login.
    pub async fn start_with_login() -> MailSink {
        Self::start_offering_login(true).await
    }

    async fn start_offering_login(login: bool) -> MailSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, mails) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(smtp_session(socket, tx.clone(), login));
            }
        });
        MailSink { port, mails }
    }

    /// The sink as a relay without TLS or login.
    pub fn relay(&self) -> SmtpRelay {
        SmtpRelay::plain("127.0.0.1", self.port)
    }

    /// The next mail (commands and data), if one comes within `within`.
    pub async fn next(&mut self, within: Duration) -> Option<String> {
        tokio::time::timeout(within, self.mails.recv())
            .await
            .ok()
            .flatten()
    }
}

async fn smtp_session(
    socket: tokio::net::TcpStream,
    tx: mpsc::UnboundedSender<String>,
    login: bool,
) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
    let mut mail = String::new();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            // Commands that carried no mail (a login, say) still reach the test.
            if !mail.is_empty() {
                let _ = tx.send(mail);
            }
            return;
        }
        let command = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match command.as_str() {
            "EHLO" | "HELO" => {
                mail.push_str(&line);
                if login {
                    b"250-sink.test\r\n250 AUTH PLAIN LOGIN\r\n"
                } else {
                    b"250 sink.test\r\n"
                }
            }
            "AUTH" => {
                mail.push_str(&line);
                if line.to_ascii_uppercase().starts_with("AUTH LOGIN") {
                    // User name and password, each asked for and answered in base64.
                    for prompt in [&b"334 VXNlcm5hbWU6\r\n"[..], b"334 UGFzc3dvcmQ6\r\n"] {
                        let _ = write.write_all(prompt).await;
                        let mut answer = String::new();
                        if lines.read_line(&mut answer).await.unwrap_or(0) == 0 {
                            return;
                        }
                        mail.push_str(&answer);
                    }
                }
                b"235 2.7.0 Authentication successful\r\n"
            }
            "MAIL" | "RCPT" => {
                mail.push_str(&line);
                b"250 OK\r\n"
            }
            "DATA" => {
                let _ = write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await;
                loop {
                    let mut data = String::new();
                    if lines.read_line(&mut data).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if data == ".\r\n" {
                        break;
                    }
                    mail.push_str(&data);
                }
                let _ = tx.send(std::mem::take(&mut mail));
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                if !mail.is_empty() {
                    let _ = tx.send(mail);
                }
                return;
            }
            _ => b"250 OK\r\n",
        };
        let _ = write.write_all(reply).await;
    }
}
