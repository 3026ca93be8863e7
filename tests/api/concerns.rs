//! Concerns (R13) over HTTP: only the chosen recipients and the raiser see one, an anonymous
//! raiser is never named, the raiser follows status changes, and the union line is shown.

use reqwest::StatusCode;

use crate::support::TestApp;

const BODY: &str = "The grip kept filming on a phone during the closed set.";

struct Set {
    app: TestApp,
    production: i64,
    pam: i64,
    paul: i64,
    cora: i64,
    pia: i64,
}

/// Producers Pam and Paul, coordinator Cora, director Dan, performers Perry and Pia.
async fn set() -> Set {
    let app = TestApp::spawn().await;
    let pam = app.user("pam@c.test", "Pam Producer").await;
    let production = app.production("Concern Film", pam).await;
    let mut ids = Vec::new();
    for (email, name, role) in [
        ("paul@c.test", "Paul Second", "producer"),
        ("cora@c.test", "Cora Coordinator", "coordinator"),
        ("dan@c.test", "Dan Director", "director"),
        ("perry@c.test", "Perry Raiser", "performer"),
        ("pia@c.test", "Pia Other", "performer"),
    ] {
        let id = app.user(email, name).await;
        app.add_member(production, id, role).await;
        ids.push(id);
    }
    Set {
        app,
        production,
        pam,
        paul: ids[0],
        cora: ids[1],
        pia: ids[4],
    }
}

impl Set {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}/concerns{rest}", self.production)
    }

    async fn notices(&self, user_id: i64) -> Vec<String> {
        sqlx::query_scalar("select message || ' ' || link from notification where user_id = $1")
            .bind(user_id)
            .fetch_all(&self.app.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn only_chosen_recipients_see_a_concern_and_an_anonymous_raiser_is_never_named() {
    let s = set().await;
    let mut perry = s.app.signed_in("perry@c.test").await;
    let form = perry.get(&s.path("/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    for name in ["Pam Producer", "Paul Second", "Cora Coordinator"] {
        assert!(form.body.contains(name), "{name} offered");
    }
    assert!(!form.body.contains("Dan Director") && !form.body.contains("Pia Other"));
    assert!(
        !form.body.contains("checked"),
        "nobody is chosen in advance"
    );

    let (cora, pam) = (s.cora.to_string(), s.pam.to_string());
    let page = perry
        .post(
            &s.path(""),
            &[
                ("body", BODY),
                ("recipients", &cora),
                ("recipients", &pam),
                ("anonymous", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let concern = page.location().to_string();
    let own = perry.get(&concern).await;
    assert!(own.body.contains(BODY));
    assert!(own.body.contains("You, anonymously"));

    for email in ["cora@c.test", "pam@c.test"] {
        let mut client = s.app.signed_in(email).await;
        let pages = [
            client.get(&concern).await,
            client.get(&s.path("")).await,
            client.get("/notifications").await,
            client.get(&format!("/productions/{}", s.production)).await,
        ];
        assert_eq!(pages[0].status, StatusCode::OK);
        assert!(pages[0].body.contains(BODY));
        assert!(
            pages[0]
                .body
                .contains("Someone who chose to stay anonymous")
        );
        assert!(pages[1].body.contains("The grip kept filming"));
        assert!(pages[2].body.contains("A concern has been sent to you"));
        for page in &pages {
            assert!(!page.body.contains("Perry"), "{email} sees the raiser");
            assert!(
                !page.body.contains("perry@c.test"),
                "{email} sees the raiser"
            );
        }
        assert!(
            !pages[2].body.contains("grip"),
            "no concern text in notices"
        );
    }
    for notice in s.notices(s.cora).await {
        assert!(!notice.contains("Perry") && !notice.contains("grip"));
    }

    // Paul, a producer left out, and everyone else: 404, no notice, not in their list.
    assert!(s.notices(s.paul).await.is_empty());
    for email in ["paul@c.test", "dan@c.test", "pia@c.test"] {
        let mut client = s.app.signed_in(email).await;
        assert_eq!(
            client.get(&concern).await.status,
            StatusCode::NOT_FOUND,
            "{email}"
        );
        let list = client.get(&s.path("")).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!list.body.contains("grip"), "{email}");
        let follow = client
            .post(&format!("{concern}/follow-up"), &[("status", "resolved")])
            .await;
        assert_eq!(follow.status, StatusCode::NOT_FOUND, "{email}");
    }
    // The raiser follows, but records nothing.
    let follow = perry
        .post(&format!("{concern}/follow-up"), &[("status", "resolved")])
        .await;
    assert_eq!(follow.status, StatusCode::NOT_FOUND);
    let status: String = sqlx::query_scalar("select status from concern")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(status, "open");
}

#[tokio::test]
async fn a_concern_needs_text_and_recipients_from_the_list() {
    let s = set().await;
    let mut perry = s.app.signed_in("perry@c.test").await;
    let page = perry.post(&s.path(""), &[("body", "  ")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(r##"href="#body""##));
    assert!(page.body.contains(r#"id="recipients-error""#));
    // Another performer is not someone a concern can be sent to.
    let pia = s.pia.to_string();
    let page = perry
        .post(&s.path(""), &[("body", BODY), ("recipients", &pia)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(BODY), "what was typed is kept");
    // Nor is the raiser: a producer raising one is not offered themselves.
    let mut pam = s.app.signed_in("pam@c.test").await;
    assert!(
        !pam.get(&s.path("/new"))
            .await
            .body
            .contains("Pam Producer (")
    );
    let own = s.pam.to_string();
    let page = pam
        .post(&s.path(""), &[("body", BODY), ("recipients", &own)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let count: i64 = sqlx::query_scalar("select count(*) from concern")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_raiser_sees_status_changes_and_is_notified_but_not_the_notes() {
    let s = set().await;
    let mut perry = s.app.signed_in("perry@c.test").await;
    let cora = s.cora.to_string();
    let page = perry
        .post(&s.path(""), &[("body", BODY), ("recipients", &cora)])
        .await;
    let concern = page.location().to_string();
    let mut cora_client = s.app.signed_in("cora@c.test").await;
    let shown = cora_client.get(&concern).await;
    assert!(
        shown.body.contains("Perry Raiser"),
        "a named concern names its raiser"
    );

    // Nothing to record: 422 beside the note.
    let page = cora_client
        .post(
            &format!("{concern}/follow-up"),
            &[("status", "open"), ("note", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(r#"id="note-error""#));

    let page = cora_client
        .post(
            &format!("{concern}/follow-up"),
            &[
                ("status", "in_progress"),
                ("note", "Spoke to the grip privately"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let perry_id: i64 =
        sqlx::query_scalar("select user_id from app_user where email = 'perry@c.test'")
            .fetch_one(&s.app.pool)
            .await
            .unwrap();
    let notices = s.notices(perry_id).await;
    assert_eq!(notices.len(), 1);
    assert!(notices[0].starts_with("A concern you raised is now marked in progress"));
    assert!(!notices[0].contains("grip"));

    let own = perry.get(&concern).await;
    assert!(own.body.contains("<strong>In progress</strong>"));
    assert!(!own.body.contains("Spoke to the grip"));
    assert!(
        cora_client
            .get(&concern)
            .await
            .body
            .contains("Spoke to the grip privately")
    );

    // A note without a change of status tells the raiser nothing new.
    cora_client
        .post(
            &format!("{concern}/follow-up"),
            &[
                ("status", "in_progress"),
                ("note", "Second word with the grip"),
            ],
        )
        .await;
    assert_eq!(s.notices(perry_id).await.len(), 1);
    cora_client
        .post(&format!("{concern}/follow-up"), &[("status", "resolved")])
        .await;
    assert_eq!(s.notices(perry_id).await.len(), 2);
    assert!(
        perry
            .get(&s.path(""))
            .await
            .body
            .contains("<strong>Resolved</strong>")
    );
}

#[tokio::test]
async fn the_union_line_follows_the_agreement_and_a_producer_can_word_it() {
    let s = set().await;
    let mut pia = s.app.signed_in("pia@c.test").await;
    let list = pia.get(&s.path("")).await;
    assert!(list.body.contains("Equity members can report"));
    assert!(list.body.contains("placeholder text"));
    assert!(list.body.contains(&format!(
        "/productions/{}/concerns\">Concerns",
        s.production
    )));
    assert_eq!(
        pia.get(&s.path("/reporting-line")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        pia.post(&s.path("/reporting-line"), &[("reporting_line", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let mut pam = s.app.signed_in("pam@c.test").await;
    assert_eq!(
        pam.get(&s.path("/reporting-line")).await.status,
        StatusCode::OK
    );
    let saved = pam
        .post(
            &s.path("/reporting-line"),
            &[(
                "reporting_line",
                "Call the Equity official named on the call sheet.",
            )],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let list = pia.get(&s.path("/new")).await;
    assert!(
        list.body
            .contains("Call the Equity official named on the call sheet.")
    );
    assert!(!list.body.contains("placeholder text"));

    // Back to the placeholder, under another agreement.
    pam.post(&s.path("/reporting-line"), &[("reporting_line", "")])
        .await;
    sqlx::query("update production set agreement = 'sag_aftra' where production_id = $1")
        .bind(s.production)
        .execute(&s.app.pool)
        .await
        .unwrap();
    let list = pia.get(&s.path("")).await;
    assert!(list.body.contains("SAG-AFTRA members can report"));
    assert!(list.body.contains("placeholder text"));
}

#[tokio::test]
async fn the_demo_film_has_one_open_concern_once() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    closedset::demo::concerns::load(&app.pool, production)
        .await
        .unwrap();
    let (count, status, anonymous): (i64, String, bool) = sqlx::query_as(
        "select count(*) over (), status, anonymous from concern where production_id = $1",
    )
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((count, status.as_str(), anonymous), (1, "open", true));
    let mut coordinator = app.client();
    coordinator
        .sign_in("coordinator@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let list = coordinator
        .get(&format!("/productions/{production}/concerns"))
        .await;
    assert!(list.body.contains("someone who chose to stay anonymous"));
    let mut producer = app.client();
    producer
        .sign_in("producer@demo.test", closedset::demo::DEMO_PASSWORD)
        .await;
    let list = producer
        .get(&format!("/productions/{production}/concerns"))
        .await;
    assert!(
        !list.body.contains("closed-set list"),
        "not sent to the producer"
    );
}

/// Recipient ids that are not numbers are a tampered form: 422 and nothing saved. The same
/// recipient ticked twice is sent the concern once.
#[tokio::test]
async fn junk_recipients_are_refused_and_a_repeated_one_counts_once() {
    let s = set().await;
    let mut perry = s.app.signed_in("perry@c.test").await;
    let cora = s.cora.to_string();
    let page = perry
        .post(
            &s.path(""),
            &[
                ("body", BODY),
                ("recipients", &cora),
                ("recipients", "cora"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(r#"id="recipients-error""#));
    assert!(page.body.contains(BODY), "what was typed is kept");
    let count: i64 = sqlx::query_scalar("select count(*) from concern")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
    assert!(s.notices(s.cora).await.is_empty());

    let page = perry
        .post(
            &s.path(""),
            &[("body", BODY), ("recipients", &cora), ("recipients", &cora)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let recipients: Vec<i64> = sqlx::query_scalar("select user_id from concern_recipient")
        .fetch_all(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(recipients, vec![s.cora]);
    assert_eq!(s.notices(s.cora).await.len(), 1);
}

/// A concern's time is given on the production's clocks, like every other page, not in UTC.
#[tokio::test]
async fn a_concern_is_dated_on_the_production_clocks() {
    let s = set().await;
    sqlx::query("update production set time_zone = 'America/New_York' where production_id = $1")
        .bind(s.production)
        .execute(&s.app.pool)
        .await
        .unwrap();
    let mut perry = s.app.signed_in("perry@c.test").await;
    let cora = s.cora.to_string();
    let page = perry
        .post(&s.path(""), &[("body", BODY), ("recipients", &cora)])
        .await;
    let concern = page.location().to_string();
    let local: String = sqlx::query_scalar(
        "select to_char(created_at at time zone 'America/New_York', 'HH24:MI') from concern",
    )
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    // The time alone, and the page says once which clocks it is on.
    let shown = format!(", {local}");
    for page in [perry.get(&concern).await, perry.get(&s.path("")).await] {
        assert!(page.body.contains(&shown), "{shown} in {}", page.body);
        let line = "Times are New York time (America/New_York).";
        assert_eq!(page.body.matches(line).count(), 1, "{line}");
        assert!(!page.body.contains(" UTC"), "a UTC time was shown");
    }
}

/// R13: recipients come from this production's list only; a producer of another production is
/// refused even by user id, and nobody there hears of it.
#[tokio::test]
async fn a_concern_cannot_be_sent_to_another_productions_producer() {
    let s = set().await;
    let otto = s.app.user("otto@o.test", "Otto Elsewhere").await;
    s.app.production("Other Film", otto).await;
    let mut perry = s.app.signed_in("perry@c.test").await;
    let page = perry
        .post(
            &s.path(""),
            &[("body", BODY), ("recipients", otto.to_string().as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(r#"id="recipients-error""#));
    assert!(
        !page.body.contains("Otto Elsewhere"),
        "never offered or named"
    );
    let count: i64 = sqlx::query_scalar("select count(*) from concern")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
    assert!(s.notices(otto).await.is_empty());
}

/// R13: a person named in the concern hears nothing unless the raiser chose them.
#[tokio::test]
async fn a_member_named_in_a_concern_is_not_told_unless_chosen() {
    let s = set().await;
    let mut perry = s.app.signed_in("perry@c.test").await;
    let cora = s.cora.to_string();
    let page = perry
        .post(
            &s.path(""),
            &[
                (
                    "body",
                    "Paul Second and Pam Producer kept the monitor open.",
                ),
                ("recipients", &cora),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let concern = page.location().to_string();
    assert_eq!(s.notices(s.cora).await.len(), 1);
    for (id, email) in [(s.paul, "paul@c.test"), (s.pam, "pam@c.test")] {
        assert!(s.notices(id).await.is_empty(), "{email} was told");
        let mut client = s.app.signed_in(email).await;
        assert_eq!(
            client.get(&concern).await.status,
            StatusCode::NOT_FOUND,
            "{email}"
        );
    }
}

/// R13: any member raises a concern, the director and the coordinator included.
#[tokio::test]
async fn a_director_and_a_coordinator_can_raise_concerns() {
    let s = set().await;
    let (pam, paul) = (s.pam.to_string(), s.paul.to_string());
    for (email, to) in [("dan@c.test", &pam), ("cora@c.test", &paul)] {
        let mut client = s.app.signed_in(email).await;
        let form = client.get(&s.path("/new")).await;
        assert_eq!(form.status, StatusCode::OK, "{email}");
        let page = client
            .post(&s.path(""), &[("body", BODY), ("recipients", to.as_str())])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{email}: {}", page.body);
        let own = client.get(page.location()).await;
        assert_eq!(own.status, StatusCode::OK, "{email}");
        assert!(own.body.contains(BODY), "{email}");
    }
    assert_eq!(s.notices(s.pam).await.len(), 1);
    assert_eq!(s.notices(s.paul).await.len(), 1);
}
