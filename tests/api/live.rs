//! Live notices across server processes (LISTEN/NOTIFY to server-sent events) and e-mail
//! through an SMTP listener the test runs itself.

use std::time::Duration;

use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart, empty_breakdown};
use reqwest::StatusCode;

use crate::support::mail::MailSink;
use crate::support::{Client, TestApp, build};

const RIDER_TEXT: &str = "Upper body only, back to camera, SECRET-RIDER-WORDS";

/// An open `/events` stream, read as a browser's EventSource would.
pub(crate) struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    pub(crate) async fn open(client: &Client) -> Events {
        let response = client
            .http
            .get(format!("{}/events", client.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The data of the next event called `name`, if one arrives in time.
    pub(crate) async fn next(&mut self, name: &str, within: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = "message";
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(e) = line.strip_prefix("event:") {
                        event = if e.trim() == name { name } else { "other" };
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim_start());
                    }
                }
                if event == name {
                    return Some(data);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

pub(crate) struct Crew {
    pub(crate) app: TestApp,
    pub(crate) production: i64,
    pub(crate) rider: i64,
}

/// A production with a producer, a coordinator and a performer whose signed rider covers a
/// flagged scene.
pub(crate) async fn crew(app: TestApp) -> Crew {
    let pam = app.user("pam@live.test", "Pam Producer").await;
    let production = app.production("Live Film", pam).await;
    let cora = app.user("cora@live.test", "Cora Coordinator").await;
    app.add_member(production, cora, "coordinator").await;
    let alex = app.user("alex@live.test", "Alex Rivera").await;
    app.add_member(production, alex, "performer").await;
    let alex_cast = build::cast(&app, production, 1, "Alex Rivera")
        .playing("Marion")
        .linked_to(alex)
        .await;
    let scene = build::scene(&app, production, "5A")
        .eighths(9)
        .with(&[alex_cast])
        .await;
    let breakdown = Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: vec![PerformerPart {
            cast_member_id: alex_cast,
            nudity: NudityLevel::PartialUpper,
            shown: vec![BodyArea::UpperBack],
            touched: vec![],
            touching: vec![],
            acts: vec!["Removes shirt".into()],
            garments: String::new(),
        }],
        ..empty_breakdown()
    };
    build::breakdown(&app, production, scene, &breakdown, None).await;
    // The signed rider straight in SQL: one delivered through the app would notify and mail
    // Alex, and these tests count every notice and mail.
    let rider: i64 = sqlx::query_scalar(
        "with r as (
             insert into rider (production_id, cast_member_id, status, body, body_sha256,
                                created_by, delivered_at, signed_at)
             values ($1, $2, 'signed', $4, repeat('b', 64), $3, now(), now())
             returning rider_id),
         rs as (insert into rider_scene (rider_id, scene_id, scene_version_id, production_id,
                                         scope)
                select r.rider_id, s.scene_id, s.current_version_id, $1, '{}'::jsonb
                from r, scene s where s.scene_id = $5)
         select rider_id from r",
    )
    .bind(production)
    .bind(alex_cast)
    .bind(alex)
    .bind(RIDER_TEXT)
    .bind(scene)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    Crew {
        app,
        production,
        rider,
    }
}

#[tokio::test]
async fn a_revocation_on_one_server_reaches_a_coordinator_on_another_within_two_seconds() {
    let c = crew(TestApp::spawn().await).await;
    let b = c.app.another_instance().await;
    assert_ne!(c.app.addr, b.addr);

    let cora = c.app.signed_in("cora@live.test").await;
    let mut events = Events::open(&cora).await;
    let first = events.next("unread", Duration::from_secs(2)).await;
    assert_eq!(first.as_deref(), Some(r#"{"unread":0}"#));

    // The performer withdraws through the other server process.
    let mut alex = b.signed_in("alex@live.test").await;
    let revoke = format!("/productions/{}/riders/{}/revoke", c.production, c.rider);
    let started = std::time::Instant::now();
    let page = alex.post(&revoke, &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let data = events
        .next("notification", Duration::from_secs(2))
        .await
        .expect("the notice arrives live within 2 seconds");
    assert!(started.elapsed() < Duration::from_secs(2));
    let notice: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(
        notice["message"],
        "#1 Alex Rivera withdrew consent for scene 5A"
    );
    assert_eq!(
        notice["link"],
        format!("/productions/{}/riders/{}", c.production, c.rider)
    );
    assert_eq!(notice["production"], "Live Film");
    assert_eq!(notice["unread"], 1);
    assert!(!data.contains("SECRET-RIDER-WORDS"));

    // The performer's own stream on that server hears nothing about it.
    let mut own = Events::open(&alex).await;
    own.next("unread", Duration::from_secs(2)).await.unwrap();
    assert!(
        own.next("notification", Duration::from_millis(500))
            .await
            .is_none()
    );

    // The database drops every listening connection (a restart or failover looks the same):
    // each process listens again, streams recount, and the next notice still arrives.
    let killed: Vec<bool> = sqlx::query_scalar(
        "select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and query ilike 'listen%'",
    )
    .fetch_all(&c.app.pool)
    .await
    .unwrap();
    assert_eq!(killed.len(), 2, "one listener per server process");
    let recount = events.next("unread", Duration::from_secs(5)).await;
    assert_eq!(recount.as_deref(), Some(r#"{"unread":1}"#));
    let cora_id: i64 =
        sqlx::query_scalar("select user_id from app_user where email = 'cora@live.test'")
            .fetch_one(&c.app.pool)
            .await
            .unwrap();
    let mut tx = c.app.pool.begin().await.unwrap();
    closedset::notifications::notify(
        &mut tx,
        c.production,
        &[cora_id],
        "other",
        "After the reconnect",
        "",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let data = events
        .next("notification", Duration::from_secs(2))
        .await
        .expect("live again after the reconnect");
    assert!(data.contains("After the reconnect") && data.contains(r#""unread":2"#));
}

#[tokio::test]
async fn the_stream_is_for_signed_in_people_and_pages_load_the_script() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();
    let response = anonymous.http.get(app.url("/events")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    app.user("someone@live.test", "Someone").await;
    let mut someone = app.signed_in("someone@live.test").await;
    let home = someone.get("/").await;
    assert!(
        home.body
            .contains(r#"<script src="/static/live.js" defer></script>"#)
    );
    assert!(
        home.body
            .contains(r#"id="live-toast" class="live-toast" role="status""#)
    );
    assert!(!home.body.contains("<script>"), "no inline script");
    let script = someone.get("/static/live.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("new EventSource(\"/events\")"));
    let signin = app.client().get("/signin").await;
    assert!(!signin.body.contains("live.js"));
}

#[tokio::test]
async fn notices_are_mailed_once_as_plain_text_with_a_link_and_without_rider_text() {
    let mut sink = MailSink::start().await;
    let relay = sink.relay();
    let app = TestApp::spawn_with(|c| c.smtp = Some(relay.clone())).await;
    let c = crew(app).await;
    // A second process with the same relay and public address, as behind a load balancer:
    // the notice is still mailed once, by whichever process takes it first.
    let public = format!("http://{}", c.app.addr);
    let b = c
        .app
        .another_instance_with(|config| {
            config.smtp = Some(sink.relay());
            config.base_url = public.clone();
        })
        .await;

    // Pam turns revocation e-mails off; Cora, a coordinator, cannot.
    let mut pam = c.app.signed_in("pam@live.test").await;
    let page = pam.get("/account/notifications").await;
    assert!(
        page.body
            .contains(r#"name="mail_revocation" value="yes" checked>"#),
        "{}",
        page.body
    );
    pam.post("/account/notifications", &[("mail_delivery", "yes")])
        .await;
    assert!(
        pam.get("/account/notifications")
            .await
            .body
            .contains(r#"name="mail_revocation" value="yes">"#)
    );
    let mut cora = c.app.signed_in("cora@live.test").await;
    let page = cora.get("/account/notifications").await;
    assert!(
        page.body.contains(
            r#"name="mail_revocation" value="yes" checked disabled aria-describedby="mail_revocation-locked""#
        ),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"name="mail_pause" value="yes" checked disabled"#)
    );
    let saved = cora.post("/account/notifications", &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored: Vec<(String, bool)> = sqlx::query_as(
        "select category, by_email from mail_preference p join app_user u using (user_id)
         where u.email = 'cora@live.test' order by category",
    )
    .fetch_all(&c.app.pool)
    .await
    .unwrap();
    assert!(stored.contains(&("revocation".into(), true)));
    assert!(stored.contains(&("pause".into(), true)));
    assert!(stored.contains(&("concern".into(), false)));

    let mut alex = b.signed_in("alex@live.test").await;
    let revoke = format!("/productions/{}/riders/{}/revoke", c.production, c.rider);
    assert_eq!(alex.post(&revoke, &[]).await.status, StatusCode::SEE_OTHER);

    let mail = sink
        .next(Duration::from_secs(5))
        .await
        .expect("the coordinator's e-mail");
    assert!(mail.contains("RCPT TO:<cora@live.test>"), "{mail}");
    assert!(
        mail.contains("Alex Rivera withdrew consent for scene 5A"),
        "{mail}"
    );
    let link = format!(
        "http://{}/productions/{}/riders/{}",
        c.app.addr, c.production, c.rider
    );
    assert!(mail.contains(&link), "{mail}");
    assert!(mail.contains("Content-Type: text/plain"), "{mail}");
    assert!(!mail.contains("SECRET-RIDER-WORDS"), "{mail}");

    // Both notices were taken by a process; Pam's was skipped by her choice, and nothing
    // was sent twice.
    for _ in 0..50 {
        let left: i64 =
            sqlx::query_scalar("select count(*) from notification where mailed_at is null")
                .fetch_one(&c.app.pool)
                .await
                .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(sink.next(Duration::from_millis(700)).await.is_none());
}

#[tokio::test]
async fn an_anonymous_concern_is_mailed_without_its_text_or_its_raiser() {
    let mut sink = MailSink::start().await;
    let relay = sink.relay();
    let c = crew(TestApp::spawn_with(|config| config.smtp = Some(relay)).await).await;
    let mut alex = c.app.signed_in("alex@live.test").await;
    let cora_id: i64 =
        sqlx::query_scalar("select user_id from app_user where email = 'cora@live.test'")
            .fetch_one(&c.app.pool)
            .await
            .unwrap();
    let page = alex
        .post(
            &format!("/productions/{}/concerns", c.production),
            &[
                ("body", "The boom operator kept looking, CONCERN-WORDS"),
                ("recipients", &cora_id.to_string()),
                ("anonymous", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let mail = sink.next(Duration::from_secs(5)).await.expect("a mail");
    assert!(mail.contains("RCPT TO:<cora@live.test>"));
    assert!(mail.contains("A concern has been sent to you"));
    assert!(mail.contains(&format!("/productions/{}/concerns/", c.production)));
    for secret in ["CONCERN-WORDS", "Alex", "alex@live.test"] {
        assert!(!mail.contains(secret), "{secret} in {mail}");
    }
}

#[tokio::test]
async fn a_coordinator_who_turned_every_mail_off_still_hears_of_a_narrowing() {
    let mut sink = MailSink::start().await;
    let relay = sink.relay();
    let c = crew(TestApp::spawn_with(|config| config.smtp = Some(relay)).await).await;
    // Cora unticks every box: only what a coordinator cannot turn off still comes.
    let mut cora = c.app.signed_in("cora@live.test").await;
    let saved = cora.post("/account/notifications", &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    // The notice the on-the-day narrowing sends, of the kind it sends.
    let mut tx = c.app.pool.begin().await.unwrap();
    closedset::notifications::notify_roles(
        &mut tx,
        c.production,
        &[closedset::vocab::Role::Coordinator],
        closedset::notifications::kind::CONSENT_NARROWED,
        "Alex Rivera narrowed consent for scene 5A on the day",
        &format!("/productions/{}/scenes", c.production),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mail = sink
        .next(Duration::from_secs(5))
        .await
        .expect("the narrowing reaches the coordinator by e-mail");
    assert!(mail.contains("RCPT TO:<cora@live.test>"), "{mail}");
    assert!(mail.contains("narrowed consent for scene 5A"), "{mail}");
}
