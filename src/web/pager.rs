//! One page of a long list: which rows it shows and the links to its neighbours. Every paged
//! list reads and writes its place the same way, so a link copied from one keeps its place.

/// Rows on one page: a person finds the rest through the list's filters and its pages.
pub const PAGE_SIZE: i64 = 50;

/// The rows before `page` (counted from 1), for the list's `offset`.
pub fn offset(page: i64) -> i64 {
    (page - 1).saturating_mul(PAGE_SIZE)
}

/// Where one page stands among every match.
#[derive(Debug, PartialEq, Eq)]
pub struct Pager {
    /// The page's first row, counted from 1 (0 when the page is empty).
    pub first: i64,
    pub last: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `shown` rows on `page` of `total` matches; `link` makes a page's address.
    pub fn new(page: i64, shown: usize, total: i64, link: impl Fn(i64) -> String) -> Pager {
        let (first, last) = if shown == 0 {
            (0, 0)
        } else {
            (offset(page) + 1, offset(page) + shown as i64)
        };
        // Past the end (an old link), "previous" leads back to the first page.
        let back = if shown == 0 { 1 } else { page - 1 };
        Pager {
            first,
            last,
            previous: (page > 1).then(|| link(back)),
            next: (last < total).then(|| link(page + 1)),
        }
    }
}

/// `path?name=value&…&page=N`, leaving out empty values and page 1: one address per view.
pub fn link(path: &str, pairs: &[(&str, String)], page: i64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(name, value);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(page: i64) -> String {
        link(
            "/riders",
            &[("scene", "12A".into()), ("performer", String::new())],
            page,
        )
    }

    #[test]
    fn a_middle_page_links_both_ways() {
        let pager = Pager::new(2, 50, 120, at);
        assert_eq!((pager.first, pager.last), (51, 100));
        assert_eq!(pager.previous.as_deref(), Some("/riders?scene=12A"));
        assert_eq!(pager.next.as_deref(), Some("/riders?scene=12A&page=3"));
    }

    #[test]
    fn the_last_page_has_no_next_and_a_page_past_the_end_leads_to_the_first() {
        let last = Pager::new(3, 20, 120, at);
        assert_eq!((last.first, last.last, last.next), (101, 120, None));
        let past = Pager::new(9, 0, 120, at);
        assert_eq!((past.first, past.last), (0, 0));
        assert_eq!(past.previous.as_deref(), Some("/riders?scene=12A"));
        assert_eq!(Pager::new(1, 0, 0, at).previous, None);
    }

    #[test]
    fn links_leave_out_what_is_empty() {
        assert_eq!(link("/scenes", &[("cast", String::new())], 1), "/scenes");
        assert_eq!(
            link("/scenes", &[("q", "a b&c".into())], 2),
            "/scenes?q=a+b%26c&page=2"
        );
    }
}
