//! Every route and every form, with every kind of malformed input, as each demo role: no answer
//! may be a 5xx or an extractor's plain text, a NUL is always refused, a non-canonical id is
//! never served, and nothing lands in the database outside its range. Findings are collected
//! and reported all at once.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::time::Instant;

use crate::support::TestApp;
use crate::support::crawl::{self, Form};
use crate::support::fuzzing::{
    Fuzz, MUTATIONS, Mutation, NUL, Visitor, kinds_of, mutated, stage, stored_out_of_range,
};

/// Routes the crawl does not walk, each with why; every other route in `src/` must be reached.
const NOT_WALKED: [(&str, &str); 17] = [
    (
        "/call-sheets/{token}",
        "a personal link sent in a notice once a call sheet is published; \
         call_sheet_distribution.rs opens it with right and wrong tokens",
    ),
    (
        "/call-sheets/{token}/confirm",
        "on the personal copy only; call_sheet_distribution.rs confirms with it",
    ),
    (
        "/passkeys/challenge",
        "asked only by static/passkey.js, never linked; passkeys.rs asks it for every purpose",
    ),
    (
        "/account/passkeys/remove",
        "offered only once a passkey is added, which needs an authenticator; passkeys.rs sends \
         it with wrong and right passwords",
    ),
    (
        "/productions/{production_id}/status",
        "asked only by static/live.js for the status words a page shows, never linked; \
         live_status.rs sends it as each role with hostile and foreign ids",
    ),
    (
        "/events",
        "an endless event stream; it reads nothing from the request but the session",
    ),
    (
        "/signout",
        "ends the session the walk uses; it reads nothing but the form token",
    ),
    (
        "/account/sessions/{user_session_id}/signout",
        "its button for this device ends the session the walk uses, as /signout does; \
         your_sessions.rs tries it with other sessions and ids",
    ),
    (
        "/account/sessions/others/signout",
        "offered only to an account signed in on several devices; your_sessions.rs sends it",
    ),
    (
        "/account/two-step/codes",
        "offered only once two-step sign-in is on, which needs a code computed from the \
         secret; two_step.rs sends it with wrong and right passwords",
    ),
    ("/account/two-step/off", "as /account/two-step/codes"),
    (
        "/signin/code",
        "reached only half-way through signing in to an account with two-step sign-in; \
         two_step.rs sends it wrong, replayed and right codes",
    ),
    (
        "/productions/{production_id}/scenes/import/{script_import_id}",
        "a draft's preview exists only once a script file is uploaded, which the walk's \
         urlencoded forms cannot do; script_import.rs opens, confirms and refuses it",
    ),
    (
        "/productions/{production_id}/scenes/{scene_id}/script-review",
        "offered only on a flagged scene whose script changed in an imported draft; \
         script_import.rs sends it",
    ),
    (
        "/productions/{production_id}/data-protection/erase",
        "offered only once a wrapped production's retention has run out; privacy_erasure.rs \
         sends it before and after",
    ),
    (
        "/healthz",
        "a probe's plain-text answer, outside the session; it reads nothing",
    ),
    (
        "/readyz",
        "a probe's plain-text answer, outside the session; it reads nothing",
    ),
];

/// Pages a role may visit per route: enough to see its forms, few enough to stay quick.
const PAGES_PER_ROUTE: usize = 3;

fn skipped(pattern: &str) -> bool {
    NOT_WALKED.iter().any(|(p, _)| *p == pattern)
}

/// What the walk found: pages by route, and forms with who found them.
#[derive(Default)]
struct Walk {
    reached: BTreeSet<String>,
    pages: Vec<(usize, String, String)>,
    forms: Vec<(usize, String, Form)>,
    /// Links that answered 4xx.
    broken: Vec<String>,
}

/// Walks every visitor's pages from their starts; forms already in `form_keys` are not
/// returned again.
async fn walk(
    fuzz: &mut Fuzz,
    visitors: &[Visitor],
    starts: &[Vec<String>],
    form_keys: &mut HashSet<(String, String, Vec<String>)>,
) -> Walk {
    let mut found = Walk::default();
    for (who, visitor) in visitors.iter().enumerate() {
        let mut queue: VecDeque<(String, String)> = starts[who]
            .iter()
            .map(|s| (s.clone(), "the start".into()))
            .collect();
        let mut seen: HashSet<String> = starts[who].iter().cloned().collect();
        let mut per_route: BTreeMap<String, usize> = BTreeMap::new();
        while let Some((url, from)) = queue.pop_front() {
            let Some(pattern) = fuzz.pattern(&url) else {
                fuzz.findings.push(format!(
                    "{} links to {url}, which no route serves",
                    visitor.name
                ));
                continue;
            };
            let count = per_route.entry(pattern.clone()).or_default();
            if skipped(&pattern) || *count >= PAGES_PER_ROUTE {
                continue;
            }
            *count += 1;
            let Some(page) = fuzz.send(visitor, "GET", &url, vec![], &[]).await else {
                continue;
            };
            if page.status >= 400 {
                // Before any fuzzing, a link of our own that goes nowhere is broken.
                found.broken.push(format!(
                    "{} {url} (from {from}): {}",
                    visitor.name, page.status
                ));
                continue;
            }
            found.reached.insert(pattern.clone());
            found.pages.push((who, url.clone(), pattern));
            if !page.content_type.starts_with("text/html") {
                continue;
            }
            let path = url.split('?').next().unwrap_or_default();
            for link in crawl::links(&page.body) {
                if !link.starts_with("/static/") && seen.insert(link.clone()) {
                    queue.push_back((link, url.clone()));
                }
            }
            for form in crawl::forms(&page.body, path) {
                let Some(pattern) = fuzz.pattern(&form.action) else {
                    fuzz.findings.push(format!(
                        "a form on {url} posts to {}, no route",
                        form.action
                    ));
                    continue;
                };
                found.reached.insert(pattern.clone());
                let mut names = form.names.clone();
                names.sort();
                if !skipped(&pattern)
                    && form_keys.insert((form.method.clone(), pattern.clone(), names))
                {
                    found.forms.push((who, pattern, form));
                }
            }
        }
    }
    found
}

async fn fuzz_forms(fuzz: &mut Fuzz, visitors: &[Visitor], forms: &[(usize, String, Form)]) {
    // Those who can remove others go last (the producer last of all), so a member removed
    // by a fuzzed form has had their own forms tried first.
    let mut order: Vec<&(usize, String, Form)> = forms.iter().collect();
    order.sort_by_key(|(who, _, _)| std::cmp::Reverse(*who));
    for (who, _, form) in order {
        let visitor = &visitors[*who];
        let (path, query) = form.action.split_once('?').unwrap_or((&form.action, ""));
        // First as the page stands, as a person pressing the button would send it.
        let as_is = crawl::encode(&form.fields);
        if form.method == "POST" {
            // A NUL in a field the form does not have is refused too, before anything is done.
            let stray = format!("{as_is}&extra=a%00b").into_bytes();
            let why = "a NUL in a field of its own";
            fuzz.expect(visitor, "POST", &form.action, stray, &[422, 404], why)
                .await;
            fuzz.send(visitor, "POST", &form.action, as_is.into_bytes(), &[])
                .await;
        }
        for name in kinds_of(&form.names) {
            for mutation in MUTATIONS {
                let text = mutated(&form.fields, &name, mutation);
                let (target, body) = if form.method == "POST" {
                    (form.action.clone(), text)
                } else {
                    let joined = if query.is_empty() {
                        text
                    } else {
                        format!("{query}&{text}")
                    };
                    (format!("{path}?{joined}"), String::new())
                };
                if matches!(mutation, Mutation::Value(NUL)) {
                    let why = format!("a NUL in {name}");
                    fuzz.expect(
                        visitor,
                        &form.method,
                        &target,
                        body.into_bytes(),
                        &[422, 404],
                        &why,
                    )
                    .await;
                } else {
                    fuzz.send(visitor, &form.method, &target, body.into_bytes(), &[])
                        .await;
                }
            }
        }
    }
}

/// Every id or token in a path, spelt every wrong way: the 404 page (a NUL: 422), never the
/// record, never plain text.
async fn fuzz_paths(fuzz: &mut Fuzz, visitors: &[Visitor], walked: &Walk) {
    let mut done = HashSet::new();
    let gets = walked
        .pages
        .iter()
        .map(|(w, url, p)| (*w, "GET", url.clone(), p, String::new()));
    let posts = walked
        .forms
        .iter()
        .filter(|(_, _, f)| f.method == "POST")
        .map(|(w, p, f)| (*w, "POST", f.action.clone(), p, crawl::encode(&f.fields)));
    let samples: Vec<_> = gets.chain(posts).collect();
    for (who, method, url, pattern, body) in samples {
        if !pattern.contains('{') || !done.insert(pattern.clone()) {
            continue;
        }
        let (path, query) = url
            .split_once('?')
            .map_or((url.as_str(), String::new()), |(p, q)| (p, format!("?{q}")));
        let segments: Vec<&str> = path.split('/').collect();
        let holes = pattern
            .split('/')
            .enumerate()
            .filter(|(_, p)| p.starts_with('{'));
        for (at, hole) in holes {
            let good = segments[at];
            let bad: Vec<String> = if hole == "{token}" {
                vec![
                    good.to_uppercase(),
                    format!("{good}0"),
                    "..".into(),
                    format!("%20{good}"),
                ]
            } else {
                [
                    "+{}",
                    "0{}",
                    "%2B{}",
                    "abc",
                    "{}.0",
                    "..",
                    "-{}",
                    "9223372036854775808",
                ]
                .iter()
                .map(|shape| shape.replace("{}", good))
                .collect()
            };
            for wrong in bad {
                let mut changed = segments.clone();
                changed[at] = &wrong;
                let target = format!("{}{query}", changed.join("/"));
                let why = format!("{hole} written {wrong:?}");
                fuzz.expect(
                    &visitors[who],
                    method,
                    &target,
                    body.clone().into_bytes(),
                    &[404],
                    &why,
                )
                .await;
            }
            let mut changed = segments.clone();
            let nul = format!("{good}%00");
            changed[at] = &nul;
            let target = format!("{}{query}", changed.join("/"));
            let why = format!("a NUL in {hole}");
            fuzz.expect(
                &visitors[who],
                method,
                &target,
                body.clone().into_bytes(),
                &[422],
                &why,
            )
            .await;
        }
    }
}

/// Oversized bodies, other methods, unknown addresses and foreign origins: each our page.
async fn fuzz_edges(fuzz: &mut Fuzz, visitors: &[Visitor], walked: &Walk) {
    let mut posted = HashSet::new();
    for (who, pattern, form) in &walked.forms {
        if form.method != "POST" || !posted.insert(pattern.clone()) {
            continue;
        }
        let visitor = &visitors[*who];
        let mut body = format!("csrf={}&x=", visitor.csrf).into_bytes();
        body.resize(10 * 1024 * 1024, b'x');
        fuzz.expect(visitor, "POST", &form.action, body, &[413], "a 10 MB body")
            .await;
        let json = br#"{"csrf": "x"}"#.to_vec();
        fuzz.send(
            visitor,
            "POST",
            &form.action,
            json,
            &[("content-type", "application/json")],
        )
        .await;
        let cross = [("origin", "http://elsewhere.example")];
        if let Some(reply) = fuzz
            .send(
                visitor,
                "POST",
                &form.action,
                crawl::encode(&form.fields).into_bytes(),
                &cross,
            )
            .await
            && reply.status != 403
        {
            fuzz.findings.push(format!(
                "{pattern}: another site's post got {}",
                reply.status
            ));
        }
    }
    let mut methods = HashSet::new();
    for (who, url, pattern) in &walked.pages {
        if methods.insert(pattern.clone()) {
            let why = "a method the route does not take";
            fuzz.expect(&visitors[*who], "PUT", url, vec![], &[405], why)
                .await;
        }
    }
    let nobody = visitors.last().unwrap();
    for (method, target, status) in [
        ("GET", "/no-such-page", 404),
        ("GET", "/productions/1/no-such-page", 404),
        ("GET", "/static/no-such-file.css", 404),
        ("POST", "/static/style.css", 404),
        ("DELETE", "/", 405),
        ("GET", "/%00", 422),
        ("GET", "/signin?next=%00", 422),
        ("GET", "/signin?next=/a&next=/b&next", 200),
        ("GET", "/signin?next=%FF%FE", 200),
    ] {
        let why = "an address of nothing, or a NUL";
        fuzz.expect(nobody, method, target, vec![], &[status], why)
            .await;
    }
    // Headers no browser of ours sends: a session cookie that is no session, another site.
    let stranger = Visitor {
        name: "stranger",
        cookie: "closedset=not-a-session-id".into(),
        csrf: String::new(),
    };
    fuzz.expect(&stranger, "GET", "/", vec![], &[303], "a made-up session")
        .await;
    let fetched = [("sec-fetch-site", "cross-site"), ("origin", "null")];
    let body = format!("csrf={}", nobody.csrf).into_bytes();
    if let Some(reply) = fuzz.send(nobody, "POST", "/signin", body, &fetched).await
        && reply.status != 403
    {
        fuzz.findings
            .push(format!("a cross-site fetch got {}", reply.status));
    }
}

#[tokio::test]
async fn every_route_and_form_answers_malformed_input_with_a_page() {
    let started = Instant::now();
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let (mut starts, pause) = stage(&app, production).await;
    let producer: i64 = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind("producer@demo.test")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    let invitation = closedset::accounts::create_invitation(
        &mut conn,
        production,
        "newcomer@demo.test",
        closedset::vocab::Role::Performer,
        producer,
        None,
    )
    .await
    .unwrap();
    // A reset link of an account no visitor uses: using it signs the visitor in as that account
    // and ends its other sessions.
    let resettable = app.user("resettable@demo.test", "Reset Able").await;
    let reset = closedset::accounts::issue_reset(&mut conn, resettable, None)
        .await
        .unwrap();
    drop(conn);
    let calendar = closedset::auth::new_token();
    sqlx::query(
        "insert into calendar_feed (member_id, production_id, token_hash)
         select member_id, production_id, $2 from member
         where production_id = $1 and role = 'performer' limit 1",
    )
    .bind(production)
    .bind(closedset::auth::token_hash(&calendar))
    .execute(&app.pool)
    .await
    .unwrap();
    // A crew-briefing link as a department head receives it (issue #20).
    let briefing = closedset::auth::new_token();
    sqlx::query(
        "insert into crew_briefing_recipient (production_id, name, department, token_sha256)
         values ($1, 'Grip department head', 'Grip', $2)",
    )
    .bind(production)
    .bind(closedset::auth::token_hash(&briefing))
    .execute(&app.pool)
    .await
    .unwrap();

    let mut fuzz = Fuzz {
        app,
        patterns: crawl::route_patterns(),
        findings: Vec::new(),
        requests: 0,
    };
    let mut visitors = Vec::new();
    for (email, _, _) in closedset::demo::PEOPLE {
        let name: &'static str = email.split('@').next().unwrap();
        visitors.push(fuzz.visitor(name, Some(email)).await);
    }
    visitors.push(fuzz.visitor("nobody", None).await);
    // An open pause, so the coordinator's page offers to resolve it.
    let pressed = format!("csrf={}", visitors[3].csrf).into_bytes();
    fuzz.expect(&visitors[3], "POST", &pause, pressed, &[303], "a pause")
        .await;
    starts.push(vec![
        "/signin".to_string(),
        "/verify".into(),
        format!("/invitations/{invitation}"),
        format!("/calendar/{calendar}"),
        format!("/briefing/{briefing}"),
        format!("/reset/{reset}"),
    ]);

    let mut form_keys = HashSet::new();
    let mut walked = walk(&mut fuzz, &visitors, &starts, &mut form_keys).await;
    for link in &walked.broken {
        fuzz.findings
            .push(format!("a link answered an error: {link}"));
    }
    let walk_requests = fuzz.requests;
    fuzz_forms(&mut fuzz, &visitors, &walked.forms).await;
    // What the forms changed can bring forms of its own (a scene omitted offers "restore").
    let again = walk(&mut fuzz, &visitors, &starts, &mut form_keys).await;
    fuzz_forms(&mut fuzz, &visitors, &again.forms).await;
    let form_requests = fuzz.requests - walk_requests;
    walked.reached.extend(again.reached);
    walked.pages.extend(again.pages);
    walked.forms.extend(again.forms);
    let before_paths = fuzz.requests;
    fuzz_paths(&mut fuzz, &visitors, &walked).await;
    let path_requests = fuzz.requests - before_paths;
    fuzz_edges(&mut fuzz, &visitors, &walked).await;

    let mut findings = std::mem::take(&mut fuzz.findings);
    for pattern in &fuzz.patterns {
        if !walked.reached.contains(pattern) && !skipped(pattern) {
            findings.push(format!(
                "route {pattern} was never reached: link it, stage it, or list it in NOT_WALKED"
            ));
        }
    }
    findings.extend(stored_out_of_range(&fuzz.app).await);
    eprintln!(
        "fuzz: {} routes, {} pages and {} forms walked; {} requests ({} on forms, {} on path \
         ids) in {:.1} s",
        fuzz.patterns.len(),
        walked.pages.len(),
        walked.forms.len(),
        fuzz.requests,
        form_requests,
        path_requests,
        started.elapsed().as_secs_f64()
    );
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

/// The refusals the fuzz test looks for, one of each, quickly: each is our page.
#[tokio::test]
async fn malformed_ids_methods_and_bodies_get_our_pages() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let mut fuzz = Fuzz {
        app,
        patterns: crawl::route_patterns(),
        findings: Vec::new(),
        requests: 0,
    };
    let producer = fuzz.visitor("producer", Some("producer@demo.test")).await;
    let scene: i64 = sqlx::query_scalar("select min(scene_id) from scene where production_id = $1")
        .bind(production)
        .fetch_one(&fuzz.app.pool)
        .await
        .unwrap();
    let base = format!("/productions/{production}");
    let page = fuzz
        .send(
            &producer,
            "GET",
            &format!("{base}/scenes/{scene}"),
            vec![],
            &[],
        )
        .await
        .unwrap();
    assert_eq!(page.status, 200, "the canonical id is served");
    let mut big = format!("csrf={}&number=", producer.csrf).into_bytes();
    big.resize(10 * 1024 * 1024, b'1');
    for (method, target, body, status) in [
        ("GET", format!("/productions/0{production}"), vec![], 404),
        ("GET", format!("{base}/scenes/+{scene}"), vec![], 404),
        ("GET", format!("{base}/scenes/%2B{scene}"), vec![], 404),
        ("GET", format!("{base}/scenes/{scene}.0"), vec![], 404),
        ("GET", format!("{base}/scenes/abc"), vec![], 404),
        ("GET", format!("{base}/scenes/.."), vec![], 404),
        ("GET", format!("{base}/scenes/{scene}%00"), vec![], 422),
        ("GET", format!("/calendar/{}", "A".repeat(64)), vec![], 404),
        (
            "GET",
            "/signin?next=/account&next=/b".to_string(),
            vec![],
            303,
        ),
        ("PUT", format!("{base}/scenes/{scene}"), vec![], 405),
        ("GET", "/static/none.css".to_string(), vec![], 404),
        ("POST", format!("{base}/scenes"), big, 413),
    ] {
        let why = "one of each refusal";
        fuzz.expect(&producer, method, &target, body, &[status], why)
            .await;
    }
    assert!(fuzz.findings.is_empty(), "{:#?}", fuzz.findings);
}
