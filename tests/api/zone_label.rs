//! One clock per page (issue #16): times in cells are shown alone, and each page says once, in
//! one spelling, which zone they are in. Walks every production page each demo role can reach.

use std::collections::{HashSet, VecDeque};

use reqwest::StatusCode;

use crate::support::{TestApp, crawl};

/// Pages whose times each name their zone on purpose: a certificate is read away from the
/// site (by a court, say), so every moment on it stands alone.
fn names_zone_per_value(path: &str) -> bool {
    path.ends_with("/certificate")
}

/// The page without the zone select of the settings form, whose options list every zone.
fn without_options(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(at) = rest.find("<option") {
        out.push_str(&rest[..at]);
        rest = rest[at..].split_once("</option>").map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn no_page_repeats_the_zone_in_its_cells_and_each_says_it_once() {
    let app = TestApp::spawn().await;
    let production = closedset::demo::load(&app.pool).await.unwrap();
    let base = format!("/productions/{production}");
    let line = "Times are London time (Europe/London).";
    let mut checked = 0;
    for email in [
        "producer@demo.test",
        "coordinator@demo.test",
        "director@demo.test",
        "performer1@demo.test",
    ] {
        let mut client = app.client();
        client.sign_in(email, closedset::demo::DEMO_PASSWORD).await;
        let mut queue = VecDeque::from([base.clone()]);
        let mut seen: HashSet<String> = queue.iter().cloned().collect();
        while let Some(path) = queue.pop_front() {
            let page = client.get(&path).await;
            assert_ne!(page.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            let html = page
                .headers
                .get("content-type")
                .is_some_and(|t| t.to_str().unwrap_or("").starts_with("text/html"));
            if !page.status.is_success() || !html {
                continue;
            }
            checked += 1;
            let body = without_options(&page.body);
            let named = body.matches("Europe/London").count();
            if names_zone_per_value(&path) {
                assert!(!body.contains(line), "{email} {path}: said twice");
            } else {
                // Once at most: a page with no production times (the settings form, whose
                // zone is its select's choice) need not say it.
                assert!(
                    named <= 1,
                    "{email} {path}: the zone is named {named} times"
                );
                assert!(body.matches(line).count() <= 1, "{email} {path}");
                if path == base || path.contains("/riders") || path.contains("/schedule") {
                    assert_eq!(body.matches(line).count(), 1, "{email} {path}: {line}");
                }
            }
            for other in [" GMT", " BST", " UTC", "UTC+", "(GMT"] {
                assert!(
                    !body.contains(other),
                    "{email} {path}: another spelling of the zone, {other:?}"
                );
            }
            for link in crawl::links(&page.body) {
                let link = link.split('#').next().unwrap_or("").to_string();
                let wanted = link.starts_with(&base)
                    && !link.contains('?')
                    && !link.ends_with(".csv")
                    && !link.ends_with(".ics")
                    && !link.ends_with(".json")
                    && !link.contains("/export")
                    && !link.contains("/revoke")
                    && seen.len() < 150;
                if wanted && seen.insert(link.clone()) {
                    queue.push_back(link);
                }
            }
        }
    }
    assert!(checked > 40, "only {checked} pages were checked");
}
