//! Languages (issue #17): every message key used is in every shipped language and every key
//! shipped is used; the language is the person's choice, else the browser's, else the
//! production's default; hostile choices are refused beside the field; and the converted pages,
//! in Spanish and in French, show no English message.

use closedset::i18n::Lang;
use closedset::productions::{Agreement, Kind, Phase};
use closedset::scenes::heading::{IntExt, RevisionColour, TimeOfDay};
use closedset::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use closedset::vocab::boundary::{Answer, Contact};
use closedset::vocab::{RiderStatus, Role};
use reqwest::StatusCode;

use crate::support::TestApp;
use crate::support::crawl::unescape;
use crate::support::languages::{
    client_asking, defined_keys, english_left, english_words, giveaways_in, html_lang, used_keys,
};

/// The members of each family looked up by item (`t_of`): each must be in every language.
fn family_members() -> Vec<String> {
    let mut keys = Vec::new();
    keys.extend(Role::ALL.iter().map(|r| format!("role-{}", r.as_str())));
    keys.extend(Kind::ALL.iter().map(|k| format!("kind-{}", k.as_str())));
    keys.extend(Phase::ALL.iter().map(|p| format!("phase-{}", p.as_str())));
    keys.extend(
        Agreement::ALL
            .iter()
            .map(|a| format!("agreement-{}", a.as_str())),
    );
    keys.extend(
        Contact::ALL
            .iter()
            .map(|c| format!("contact-{}", c.as_str())),
    );
    keys.extend(Answer::ALL.iter().map(|a| format!("answer-{}", a.as_str())));
    keys.extend(
        RiderStatus::ALL
            .iter()
            .map(|s| format!("rider-status-{}", s.as_str())),
    );
    keys.extend(["told-in_person".into(), "told-by_phone".into()]);
    keys.extend(fixed_list_members());
    keys.extend((1..=7).map(|d| format!("weekday-{d}")));
    keys.extend((1..=7).map(|d| format!("weekday-short-{d}")));
    keys.extend((1..=12).map(|m| format!("month-short-{m}")));
    keys.extend((1..=12).map(|m| format!("month-{m}")));
    keys
}

/// The fixed lists' families: their `word` looks up `<FAMILY>-<value>`.
const FIXED_FAMILIES: [&str; 6] = [
    BodyArea::FAMILY,
    NudityLevel::FAMILY,
    IntimacyKind::FAMILY,
    IntExt::FAMILY,
    TimeOfDay::FAMILY,
    RevisionColour::FAMILY,
];

fn fixed_list_members() -> Vec<String> {
    fn of<T: Copy>(all: &[T], family: &str, code: impl Fn(T) -> &'static str) -> Vec<String> {
        all.iter()
            .map(|v| format!("{family}-{}", code(*v)))
            .collect()
    }
    [
        of(BodyArea::all(), BodyArea::FAMILY, BodyArea::as_str),
        of(NudityLevel::all(), NudityLevel::FAMILY, NudityLevel::as_str),
        of(
            IntimacyKind::all(),
            IntimacyKind::FAMILY,
            IntimacyKind::as_str,
        ),
        of(IntExt::all(), IntExt::FAMILY, IntExt::as_str),
        of(TimeOfDay::all(), TimeOfDay::FAMILY, TimeOfDay::as_str),
        of(
            RevisionColour::all(),
            RevisionColour::FAMILY,
            RevisionColour::as_str,
        ),
    ]
    .concat()
}

#[test]
fn every_key_used_is_in_every_language_and_every_key_shipped_is_used() {
    let (used, mut families) = used_keys();
    families.extend(FIXED_FAMILIES.iter().map(|f| f.to_string()));
    assert!(used.contains("nav-scenes") && used.contains("error-not-found-title"));
    for family in ["role", "kind", "phase", "agreement", "weekday", "month"] {
        assert!(families.contains(family), "{family} is looked up by item");
    }
    let members = family_members();
    for lang in Lang::all() {
        let defined = defined_keys(lang);
        let missing: Vec<&String> = used
            .iter()
            .chain(&members)
            .filter(|k| !lang.has(k))
            .collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        let unused: Vec<&String> = defined
            .iter()
            .filter(|k| {
                !used.contains(*k)
                    && !families.iter().any(|f| {
                        k.strip_prefix(f.as_str())
                            .is_some_and(|r| r.starts_with('-'))
                    })
            })
            .collect();
        assert!(unused.is_empty(), "{} ships unused {unused:?}", lang.code());
    }
}

#[tokio::test]
async fn the_browser_language_applies_to_a_visitor_and_to_error_pages() {
    let app = TestApp::spawn().await;
    let mut mexican = client_asking(&app, Some("es-MX,es;q=0.9"), None).await;
    let page = mexican.get("/signin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(html_lang(&page.body), "es");
    assert!(page.body.contains("Iniciar sesión"));

    let mut weighted = client_asking(&app, Some("de;q=1, fr;q=0.4, es;q=0.3"), None).await;
    let page = weighted.get("/signin").await;
    assert_eq!(html_lang(&page.body), "fr");
    assert!(page.body.contains("Mot de passe oublié"));

    for header in ["", "xx, *;q=0.5", "es;q=0", "??garbage;q=5,,;;"] {
        let mut client = client_asking(&app, (!header.is_empty()).then_some(header), None).await;
        let page = client.get("/signin").await;
        assert_eq!(page.status, StatusCode::OK, "{header:?}");
        assert_eq!(html_lang(&page.body), "en", "{header:?}");
    }

    let page = mexican.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(html_lang(&page.body), "es");
    assert!(page.body.contains("Página no encontrada"));
    assert!(!page.body.contains("Page not found"));
}

#[tokio::test]
async fn a_persons_choice_beats_the_browser_and_changes_every_word() {
    let app = TestApp::spawn().await;
    let ana = app.user("ana@example.test", "Ana").await;
    let mut client = client_asking(&app, Some("es"), Some("ana@example.test")).await;
    let page = client.get("/account").await;
    assert_eq!(html_lang(&page.body), "es");
    assert!(page.body.contains("Su cuenta"));
    // Each language is offered in its own name.
    for name in ["English", "Español", "Français"] {
        assert!(page.body.contains(name), "{name} offered");
    }

    let saved = client
        .post("/account/language", &[("language", "fr")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored: Option<String> =
        sqlx::query_scalar("select language from app_user where user_id = $1")
            .bind(ana)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("fr"));
    let page = client.get("/account").await;
    assert_eq!(html_lang(&page.body), "fr");
    assert!(page.body.contains("Votre compte"));
    assert!(unescape(&page.body).contains("Les pages s'affichent désormais en français."));
    assert!(
        page.body
            .contains("<option value=\"fr\" lang=\"fr\" selected>Français</option>")
    );
    let home = client.get("/").await;
    assert!(home.body.contains("Vos productions"));
    assert!(!home.body.contains("Your productions"));

    // No choice: the browser's language again.
    let cleared = client.post("/account/language", &[("language", "")]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    let page = client.get("/account").await;
    assert_eq!(html_lang(&page.body), "es");
    assert!(
        page.body
            .contains("Las páginas se muestran ahora en español.")
    );
}

#[tokio::test]
async fn hostile_language_values_are_refused_beside_the_field() {
    let app = TestApp::spawn().await;
    let ana = app.user("ana@example.test", "Ana").await;
    let production = app.production("Marea Baja", ana).await;
    let mut client = client_asking(&app, Some("fr"), Some("ana@example.test")).await;
    let long = "e".repeat(500);
    for value in [
        "xx",
        "ES",
        "es-MX",
        "<script>alert(1)</script>",
        "fr'; update app_user set is_admin = true; --",
        long.as_str(),
    ] {
        let page = client
            .post("/account/language", &[("language", value)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{value:?}");
        assert!(page.body.contains("id=\"language-error\""), "{value:?}");
        assert!(!page.body.contains("<script>alert"), "{value:?} is escaped");
        let expected = if value.len() <= 100 {
            "Choisissez l'une des langues de la liste.".to_string()
        } else {
            format!(
                "Limitez ce texte à 100 caractères (il en compte {}).",
                value.len()
            )
        };
        assert!(unescape(&page.body).contains(&expected), "{value:?}");
        let settings = format!("/productions/{production}/settings");
        let form = client.get(&settings).await;
        assert_eq!(form.status, StatusCode::OK);
        let page = client
            .post(
                &settings,
                &[
                    ("title", "Marea Baja"),
                    ("kind", "feature"),
                    ("phase", "production"),
                    ("time_zone", "Europe/Madrid"),
                    ("currency", "EUR"),
                    ("agreement", "non_union"),
                    ("notice_hours", "48"),
                    ("ic_account_code", "2950"),
                    ("default_language", value),
                    ("once", &once_of(&form.body)),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{value:?}");
        assert!(
            page.body.contains("id=\"default_language-error\""),
            "{value:?}"
        );
    }
    let stored: (Option<String>, Option<String>) = sqlx::query_as(
        "select u.language, p.default_language from app_user u, production p
         where u.user_id = $1 and p.production_id = $2",
    )
    .bind(ana)
    .bind(production)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, (None, None));
}

fn once_of(body: &str) -> String {
    let marker = "name=\"once\" value=\"";
    let start = body.find(marker).expect("a once key") + marker.len();
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_productions_default_applies_to_a_member_with_no_choice_and_no_header() {
    let app = TestApp::spawn().await;
    let ana = app.user("ana@example.test", "Ana").await;
    let production = app.production("Marea Baja", ana).await;
    let settings = format!("/productions/{production}/settings");
    let mut producer = client_asking(&app, None, Some("ana@example.test")).await;
    let form = producer.get(&settings).await;
    assert_eq!(html_lang(&form.body), "en");
    let saved = producer
        .post(
            &settings,
            &[
                ("title", "Marea Baja"),
                ("kind", "feature"),
                ("phase", "production"),
                ("time_zone", "Europe/Madrid"),
                ("currency", "EUR"),
                ("agreement", "non_union"),
                ("notice_hours", "48"),
                ("ic_account_code", "2950"),
                ("default_language", "es"),
                ("once", &once_of(&form.body)),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = producer.get(&settings).await;
    assert_eq!(html_lang(&page.body), "es");
    assert!(page.body.contains("Configuración de la producción"));
    assert!(
        page.body
            .contains("<option value=\"es\" lang=\"es\" selected>Español</option>")
    );
    // Outside the production there is no production to follow.
    assert_eq!(html_lang(&producer.get("/account").await.body), "en");
    // A browser that asks for a shipped language beats the production; a choice beats both.
    let mut french_browser = client_asking(&app, Some("fr"), Some("ana@example.test")).await;
    assert_eq!(html_lang(&french_browser.get(&settings).await.body), "fr");
    sqlx::query("update app_user set language = 'en' where user_id = $1")
        .bind(ana)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(html_lang(&french_browser.get(&settings).await.body), "en");
}

/// The converted pages, signed in as a producer of production `{production}`; a form refused
/// shows its messages too. The next rounds add their pages here.
const PAGES: &[&str] = &[
    "/",
    "/account",
    "/account/sessions",
    "/account/two-step",
    "/productions/new",
    "/productions/{production}/settings",
    "/no/such/page",
];

const TOO_LONG_TITLE: &str = concat!(
    "Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja ",
    "Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja ",
    "Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja ",
    "Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja Marea Baja ",
);

/// Forms sent wrong, so that their messages are on the page: (path, fields).
const REFUSED: &[(&str, &[(&str, &str)])] = &[
    (
        "/account/password",
        &[
            ("current_password", "not it at all"),
            ("new_password", "short"),
            ("confirm_password", "other"),
        ],
    ),
    ("/account/language", &[("language", "xx")]),
    // Longer than any title: the form reader's own note, in the reader's language.
    (
        "/productions/{production}/settings",
        &[("title", TOO_LONG_TITLE), ("kind", "feature")],
    ),
    (
        "/productions/{production}/settings",
        &[
            ("title", ""),
            ("kind", "opera"),
            ("phase", "?"),
            ("time_zone", "Mars/Olympus"),
            ("currency", "XXX"),
            ("agreement", "?"),
            ("notice_hours", "-1"),
            ("ic_account_code", ""),
            ("default_language", "xx"),
        ],
    ),
];

#[tokio::test]
async fn converted_pages_in_spanish_and_french_show_no_english_message() {
    let app = TestApp::spawn().await;
    let ana = app.user("ana@example.test", "Ana Ruiz").await;
    let production = app.production("Marea Baja", ana).await;
    let mut failures = Vec::new();
    for code in ["es", "fr"] {
        let lang = Lang::parse(code).unwrap();
        let words = english_words(lang);
        assert!(words.iter().any(|w| w == "Your productions"), "{words:?}");
        assert_eq!(
            giveaways_in("Sign the rider, or not."),
            ["the", "not", "sign", "rider"]
        );
        sqlx::query("update app_user set language = $2 where user_id = $1")
            .bind(ana)
            .bind(code)
            .execute(&app.pool)
            .await
            .unwrap();
        let mut client = client_asking(&app, Some("en"), Some("ana@example.test")).await;
        let mut check = |what: String, body: &str| {
            assert_eq!(html_lang(body), code, "{what}");
            let found = english_left(lang, body);
            if !found.is_empty() {
                failures.push(format!("{code} {what}: {found:?}"));
            }
        };
        for path in PAGES {
            let path = path.replace("{production}", &production.to_string());
            let page = client.get(&path).await;
            assert!(
                page.status == StatusCode::OK || path == "/no/such/page",
                "{path}: {}",
                page.status
            );
            check(path, &page.body);
        }
        for (path, fields) in REFUSED {
            let path = path.replace("{production}", &production.to_string());
            let form = client.get(&path).await;
            let once = form
                .body
                .contains("name=\"once\"")
                .then(|| once_of(&form.body));
            let mut fields = fields.to_vec();
            if let Some(once) = &once {
                fields.push(("once", once));
            }
            let page = client.post(&path, &fields).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            check(format!("{path} refused"), &page.body);
        }
        // Signed out: the sign-in page, and its refusal, in the browser's language.
        let mut visitor = client_asking(&app, Some(code), None).await;
        let page = visitor.get("/signin").await;
        check("/signin".into(), &page.body);
        let page = visitor
            .post(
                "/signin",
                &[("email", "ana@example.test"), ("password", "wrong")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        check("/signin refused".into(), &page.body);
    }
    assert!(failures.is_empty(), "English left: {failures:#?}");
}
