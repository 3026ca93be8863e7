//! The producer's dashboard: the next 14 days, the at-risk list, what is never shown, who may
//! see it, and a fixed number of SQL queries whatever the production's size.

use crate::support::TestApp;

#[tokio::test]
async fn probe_counts() {
    let app = TestApp::spawn().await;
    let producer = app.user("pat@a.test", "Pat").await;
    let production = app.production("Small", producer).await;
    let mut client = app.signed_in("pat@a.test").await;
    for path in [format!("/productions/{production}"), "/readyz".into(), format!("/productions/{production}/budget")] {
        let page = client.get(&path).await;
        let page2 = client.get(&path).await;
        eprintln!("{path}: {} {} -> {} then {}", page.status, page.request_id(), app.query_count(page.request_id()), app.query_count(page2.request_id()));
    }
}
