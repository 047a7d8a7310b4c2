//! A browser-like client: a cookie jar, no redirects followed, forms with CSRF.

use reqwest::Response;
use reqwest::redirect::Policy;

pub struct Browser {
    base: String,
    pub client: reqwest::Client,
}

/// The value of the first `name="csrf"` hidden field in a page.
pub fn csrf_of(html: &str) -> Option<String> {
    hidden(html, "csrf")
}

/// The value of the first field `name` a page writes as `name="…" value="…"`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker)? + marker.len();
    Some(html[at..at + html[at..].find('"')?].to_owned())
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        Self {
            base: base.to_owned(),
            client,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GETs a page and returns its status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("html"))
    }

    /// The CSRF token of the forms on `path`.
    pub async fn csrf_from(&self, path: &str) -> String {
        let (status, html) = self.page(path).await;
        csrf_of(&html).unwrap_or_else(|| panic!("no CSRF field on {path} ({status})"))
    }

    /// Posts a form as a browser would: with the CSRF token of `path`'s page.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf_from(form_page).await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all).await
    }

    /// Posts exactly these fields.
    pub async fn post_form(&self, action: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(action))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> Response {
        self.submit(
            "/signin",
            "/signin",
            &[("login", login), ("password", password)],
        )
        .await
    }
}

/// Percent-encodes one path segment.
pub fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
