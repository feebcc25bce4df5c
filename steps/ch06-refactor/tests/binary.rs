//! Chapter 6: after the refactoring, `curl -i` shows exactly what it showed in chapter 5.

use testkit::{Binary, as_curl_shows, check_binary, get, on_own_loopback, same_as_transcript_of};

const SERVER: &str = env!("CARGO_BIN_EXE_ch06-refactor");

const CHAPTER_5: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ch05-validate");

#[test]
fn curl_shows_what_it_showed_before_the_refactoring() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        same_as_transcript_of(
            CHAPTER_5,
            "curl-i",
            &as_curl_shows(&get(server.addr(), "/")),
        );
        same_as_transcript_of(
            CHAPTER_5,
            "curl-i-404",
            &as_curl_shows(&get(server.addr(), "/missing")),
        );
    });
}

#[test]
fn passes_chapter_6s_check() {
    check_binary(SERVER, 6, &[]);
}

#[test]
fn fails_chapter_7s_check_since_it_has_no_slow_page() {
    check_binary(
        SERVER,
        7,
        &["sleep-answers-after-sleeping", "root-waits-behind-sleep"],
    );
}
