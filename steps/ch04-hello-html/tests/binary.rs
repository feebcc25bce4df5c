//! Chapter 4: `cargo run -p ch04-hello-html` serves hello.html as `curl -i` shows.

use testkit::{Binary, as_curl_shows, check_binary, get, on_own_loopback, transcript};

const SERVER: &str = env!("CARGO_BIN_EXE_ch04-hello-html");

#[test]
fn curl_shows_hello_html() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let response = get(server.addr(), "/");
        transcript(
            env!("CARGO_MANIFEST_DIR"),
            "curl-i",
            &as_curl_shows(&response),
        );
    });
}

#[test]
fn passes_chapter_4s_check() {
    check_binary(SERVER, 4, &[]);
}

#[test]
fn fails_chapter_5s_check_since_every_path_gets_hello_html() {
    check_binary(
        SERVER,
        5,
        &["not-found-for-other-paths", "exact-request-line"],
    );
}

/// The introduction shows what `cargo run -p check -- ch05` prints for the
/// server of chapter 4: the same report, from the same library.
#[test]
fn the_check_of_chapter_5_reports_as_the_introduction_shows() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let chapter = check::Chapter::parse("ch05").unwrap();
        let report = check::run(chapter, &check::Target::new(server.addr()));
        assert_eq!(
            report.failed(),
            ["not-found-for-other-paths", "exact-request-line"]
        );
        transcript(env!("CARGO_MANIFEST_DIR"), "check-ch05", &report.render());
    });
}
