//! Two server processes behind one PostgreSQL serve one production consistently (issue #19):
//! a session made on one works on the other and a sign-out on one ends it on both at once, and
//! the producer dashboard each process caches follows a change made through the other (the
//! cache is keyed by the production's revision, read from the database on every request). Live
//! notices across processes are covered in `live.rs`.

use closedset::demo::DEMO_PASSWORD;
use reqwest::StatusCode;

use crate::support::{Client, TestApp, closedset_binary, free_port, wait_ready};

/// A real `closedset serve` process; killed when dropped.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve(app: &TestApp, keys: &std::path::Path, name: &str) -> Server {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = closedset_binary(&app.db_name)
        .arg("serve")
        .env("CLOSEDSET_LISTEN", format!("127.0.0.1:{port}"))
        .env("CLOSEDSET_BASE_URL", &base)
        .env("CLOSEDSET_LOG_KEY", keys.join(name))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, base };
    assert!(
        wait_ready(&format!("{}/readyz", server.base)).await,
        "{name} starts"
    );
    server
}

/// A client of `server` sharing `other`'s cookies (cookies ignore the port, as browsers do).
fn same_browser(app: &TestApp, other: &Client, server: &Server) -> Client {
    let mut client = app.client();
    client.http = other.http.clone();
    client.base = server.base.clone();
    client
}

#[tokio::test]
async fn two_processes_share_sessions_sign_outs_and_the_cached_dashboard() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let keys = tempfile::tempdir().unwrap();
    let a = serve(&app, keys.path(), "a.key").await;
    let b = serve(&app, keys.path(), "b.key").await;

    let mut on_a = app.client();
    on_a.base = a.base.clone();
    let page = on_a.sign_in("producer@demo.test", DEMO_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let mut on_b = same_browser(&app, &on_a, &b);
    let dashboard = format!("/productions/{production}");

    // The session made on A is good on B; B caches its dashboard body.
    let first = on_b.get(&dashboard).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("48 hours"), "the demo's notice period");
    assert_eq!(on_b.get(&dashboard).await.body, first.body);

    // A change made through A shows on B's very next view.
    let settings: (String, String, String, String, String, String, String) = sqlx::query_as(
        "select title, kind, phase, time_zone, currency, agreement, ic_account_code
         from production where production_id = $1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (title, kind, phase, zone, currency, agreement, code) = &settings;
    let page = on_a
        .post(
            &format!("/productions/{production}/settings"),
            &[
                ("title", title),
                ("kind", kind),
                ("phase", phase),
                ("time_zone", zone),
                ("currency", currency),
                ("agreement", agreement),
                ("notice_hours", "72"),
                ("ic_account_code", code),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let after = on_b.get(&dashboard).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(
        after.body.contains("72 hours"),
        "B's cached body outlived a change made through A"
    );

    // Signing out on B ends the session on A at once.
    let page = on_b.post("/signout", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = on_a.get(&dashboard).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "signed out everywhere");
    assert!(
        page.location().starts_with("/signin"),
        "{}",
        page.location()
    );
}
