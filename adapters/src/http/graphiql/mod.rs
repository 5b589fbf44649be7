//! GraphiQL, served from the binary: the page on `GET /graphql` and its scripts and styles under
//! `/graphiql/`, at pinned versions vendored in `assets/` (see `assets/README.md` for where each file
//! comes from and its licence). Nothing is fetched from a CDN, so the page works on a machine without
//! internet, and its Content-Security-Policy allows nothing but this origin.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::problem::problem;

/// The policy of the page. Scripts come from this origin only: `start.js` is a file so that no inline
/// script is needed. Style sheets come from this origin only too (`page.css` is a file for the same
/// reason), with one exception: `style-src-elem` also allows inline `<style>` elements, because
/// GraphiQL's dialogs (settings, short keys) lock the page's scrolling with a `<style>` element they
/// write at run time, whose text varies, so neither a hash nor a fixed nonce could name it. Inline
/// `style="…"` attributes stay refused (`style-src-attr` falls back to `style-src`); styles GraphiQL
/// and CodeMirror set from script go through the CSSOM, which CSP does not govern. A browser without
/// `style-src-elem` falls back to `style-src 'self'` and only loses that scroll lock. A style element
/// runs no code, and the page is static, so nothing can put one in it but GraphiQL itself.
///
/// The editor's fonts and icons are `data:` URLs inside `graphiql.min.css`; the fetcher talks to
/// `/graphql` on this origin; nothing may frame the page, change its base URL or submit a form.
pub const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     style-src-elem 'self' 'unsafe-inline'; img-src 'self' data:; font-src data:; \
     connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Where the assets are served; the page names each one by `/graphiql/` and its file name.
pub(super) const ROUTE: &str = "/graphiql/{file}";

const PAGE: &str = include_str!("page.html");

struct Asset {
    /// The file name under `/graphiql/`; vendored files carry their version in it.
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const ASSETS: &[Asset] = &[
    Asset {
        name: "react-18.3.1.production.min.js",
        content_type: JAVASCRIPT,
        body: include_bytes!("assets/react.production.min.js"),
    },
    Asset {
        name: "react-dom-18.3.1.production.min.js",
        content_type: JAVASCRIPT,
        body: include_bytes!("assets/react-dom.production.min.js"),
    },
    Asset {
        name: "graphiql-3.9.0.min.js",
        content_type: JAVASCRIPT,
        body: include_bytes!("assets/graphiql.min.js"),
    },
    Asset {
        name: "graphiql-3.9.0.min.css",
        content_type: CSS,
        body: include_bytes!("assets/graphiql.min.css"),
    },
    Asset {
        name: "start.js",
        content_type: JAVASCRIPT,
        body: include_bytes!("start.js"),
    },
    Asset {
        name: "page.css",
        content_type: CSS,
        body: include_bytes!("page.css"),
    },
];

/// The page, with its policy. The router's layers add `nosniff`, `X-Frame-Options` and `no-store`.
pub(super) fn page() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(PAGE_POLICY),
            ),
        ],
        PAGE,
    )
        .into_response()
}

/// What GraphiQL's routes answer when it is turned off.
pub(super) fn disabled() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "GraphiQL is disabled; POST GraphQL requests to /graphql.",
    )
}

/// `GET /graphiql/{file}`: one of the page's scripts or styles. They are answered `no-store` like
/// everything else (the router's layer): a megabyte and a half once per visit to a developer tool costs
/// little, and one rule for every answer leaves no route a way to be cached by mistake.
pub(super) async fn asset<E>(
    State(state): State<AppState<E>>,
    Path(file): Path<String>,
) -> Response {
    if !state.graphiql {
        return disabled();
    }
    match ASSETS.iter().find(|asset| asset.name == file) {
        Some(asset) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            )],
            asset.body,
        )
            .into_response(),
        None => problem(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "There is no such GraphiQL file.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `src="…"` and `href="…"` of the page.
    fn references() -> Vec<&'static str> {
        let mut found = Vec::new();
        for attribute in ["src=\"", "href=\""] {
            for (at, _) in PAGE.match_indices(attribute) {
                let rest = &PAGE[at + attribute.len()..];
                found.push(&rest[..rest.find('"').expect("a closed attribute")]);
            }
        }
        found
    }

    #[test]
    fn the_page_loads_only_files_this_module_serves() {
        let references = references();
        assert_eq!(references.len(), 7, "{references:?}");
        for reference in references {
            if reference == "data:," {
                continue; // the empty icon, so the browser does not ask for /favicon.ico
            }
            let prefix = ROUTE.trim_end_matches("{file}");
            let name = reference
                .strip_prefix(prefix)
                .unwrap_or_else(|| panic!("{reference} is not under {prefix}"));
            assert!(
                ASSETS.iter().any(|asset| asset.name == name),
                "{reference} is not served"
            );
        }
        assert!(!PAGE.contains("http:") && !PAGE.contains("https:") && !PAGE.contains("//"));
    }

    #[test]
    fn the_page_has_no_inline_script_or_style() {
        assert_eq!(
            PAGE.matches("<script").count(),
            PAGE.matches("<script src=").count()
        );
        assert!(!PAGE.contains("<style") && !PAGE.contains("style="));
        assert!(
            !PAGE
                .split_whitespace()
                .any(|word| word.starts_with("on") && word.contains('=')),
            "no inline event handlers"
        );
    }

    #[test]
    fn the_policy_allows_no_inline_script_and_nothing_off_origin() {
        let directives: Vec<&str> = PAGE_POLICY.split(';').map(str::trim).collect();
        for forbidden in [
            "unsafe-eval",
            "unsafe-hashes",
            "http:",
            "https:",
            "*",
            "blob:",
        ] {
            assert!(!PAGE_POLICY.contains(forbidden), "{forbidden}");
        }
        let inline: Vec<&&str> = directives
            .iter()
            .filter(|d| d.contains("'unsafe-inline'"))
            .collect();
        assert_eq!(inline, [&"style-src-elem 'self' 'unsafe-inline'"]);
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ] {
            assert!(directives.contains(&directive), "{directive}");
        }
    }

    #[test]
    fn vendored_files_are_the_versions_the_names_promise() {
        let text = |name: &str| {
            let asset = ASSETS.iter().find(|a| a.name == name).expect(name);
            std::str::from_utf8(asset.body).expect("UTF-8")
        };
        // React's builds say their version in the code, GraphiQL's bundle its package name.
        assert!(text("react-18.3.1.production.min.js").contains("\"18.3.1\""));
        assert!(text("react-dom-18.3.1.production.min.js").contains("\"18.3.1\""));
        assert!(text("graphiql-3.9.0.min.js").contains("GraphiQL"));
    }
}
