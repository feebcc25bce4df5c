//! Every claim of the book that a client can see, written once.
//!
//! Each chapter lists its claims in [`of_chapter`]; a later chapter lists
//! again the earlier claims that still hold for its server. Claims that
//! involve `/sleep` take its length from [`Target::sleep`], so that they
//! work for the book's servers (five seconds) and for the steps' unit tests
//! (one second), with wide margins both ways.

use crate::client::{self, Answer, Pending, TIMEOUT, curl_request};
use crate::show::{self, secs};
use crate::{
    BOOK_MAX_REQUESTS, Claim, Exchange, HELLO_HTML, NOT_FOUND_HTML, Outcome, PANIC_HTML, Section,
    Target, log, page_response, whole_answer,
};
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

const fn section(chapter: u8, heading: &'static str) -> Section {
    Section { chapter, heading }
}

// Chapter 1

pub static NO_ANSWER: Claim = Claim {
    id: "no-answer",
    statement: "The server accepts a connection and closes it without an answer.",
    explained_in: section(1, "Trying it"),
    check: no_answer,
};

pub static CLOSES_AT_ONCE: Claim = Claim {
    id: "closes-at-once",
    statement: "It closes each connection at once, without waiting for a request.",
    explained_in: section(1, "Accepting connections"),
    check: closes_at_once,
};

// Chapter 2

pub static WAITS_FOR_BLANK_LINE: Claim = Claim {
    id: "waits-for-blank-line",
    statement: "It reads the request up to the blank line that ends its head, \
                and only then closes the connection.",
    explained_in: section(2, "Reading line by line"),
    check: waits_for_blank_line,
};

pub static HALF_LINE_HARMLESS: Claim = Claim {
    id: "half-line-harmless",
    statement: "A client that hangs up halfway through its request line does no harm: \
                the server goes on to the next client.",
    explained_in: section(2, "What a request looks like"),
    check: half_line_harmless,
};

// Chapter 3

pub static BARE_STATUS_LINE: Claim = Claim {
    id: "bare-status-line",
    statement: "Every request, whatever its path, gets the same answer: \
                the status line `HTTP/1.1 200 OK` and nothing else.",
    explained_in: section(3, "Sending bytes"),
    check: bare_status_line,
};

// Chapter 4

pub static HELLO_FOR_ROOT: Claim = Claim {
    id: "hello-for-root",
    statement: "`/` gets hello.html, with its length in `Content-Length` and `Connection: close`.",
    explained_in: section(4, "Headers and a body"),
    check: hello_for_root,
};

pub static HELLO_FOR_ANY_PATH: Claim = Claim {
    id: "hello-for-any-path",
    statement: "Any other path gets hello.html too: the server does not look at the request yet.",
    explained_in: section(4, "Trying it"),
    check: hello_for_any_path,
};

// Chapter 5

pub static NOT_FOUND_FOR_OTHER_PATHS: Claim = Claim {
    id: "not-found-for-other-paths",
    statement: "Every other path gets 404.html, with the status `404 Not Found`.",
    explained_in: section(5, "The request line decides"),
    check: not_found_for_other_paths,
};

pub static EXACT_REQUEST_LINE: Claim = Claim {
    id: "exact-request-line",
    statement: "Only the exact request line `GET / HTTP/1.1` gets hello.html; \
                another method, version or spelling gets 404.html.",
    explained_in: section(5, "The request line decides"),
    check: exact_request_line,
};

// Chapter 7

pub static SLEEP_ANSWERS: Claim = Claim {
    id: "sleep-answers-after-sleeping",
    statement: "`/sleep` gets hello.html too, after sleeping.",
    explained_in: section(7, "A slow page"),
    check: sleep_answers,
};

pub static ROOT_WAITS_BEHIND_SLEEP: Claim = Claim {
    id: "root-waits-behind-sleep",
    statement: "While `/sleep` sleeps, `/` waits behind it: one slow request holds up everyone.",
    explained_in: section(7, "Watching it block"),
    check: root_waits_behind_sleep,
};

// Chapter 8

pub static ROOT_NOT_HELD_UP: Claim = Claim {
    id: "root-not-held-up",
    statement: "`/` is answered at once, even while two requests for `/sleep` sleep.",
    explained_in: section(8, "A thread for every connection"),
    check: root_not_held_up,
};

pub static SLEEPS_SIDE_BY_SIDE: Claim = Claim {
    id: "sleeps-side-by-side",
    statement: "Eight requests for `/sleep` sleep side by side: \
                all eight are answered after about one sleep, not eight.",
    explained_in: section(8, "A thread for every connection"),
    check: sleeps_side_by_side,
};

pub static HANG_UP_DOES_NOT_STOP_THE_SERVER: Claim = Claim {
    id: "hang-up-does-not-stop-the-server",
    statement: "A client that hangs up without a word no longer stops the server: \
                the next client gets hello.html.",
    explained_in: section(8, "A thread for every connection"),
    check: hang_up_does_not_stop_the_server,
};

// Chapter 9

pub static POOL_RUNS_NOTHING: Claim = Claim {
    id: "pool-runs-nothing",
    statement: "The pool runs nothing yet: every connection is closed without an answer.",
    explained_in: section(9, "`execute`"),
    check: no_answer,
};

// Chapter 10

pub static FOUR_AT_A_TIME: Claim = Claim {
    id: "four-at-a-time",
    statement: "Four threads answer four requests for `/sleep` after one sleep; \
                a fifth waits for a free thread and is answered after two.",
    explained_in: section(10, "The worker loop"),
    check: four_at_a_time,
};

// Chapter 11

pub static HANG_UPS_COST_NO_WORKER: Claim = Claim {
    id: "hang-ups-cost-no-worker",
    statement: "Clients that hang up without a word cost no worker: \
                after eight of them, `/` still gets hello.html.",
    explained_in: section(11, "Stopping on Ctrl-C"),
    check: hang_ups_cost_no_worker,
};

pub static CTRL_C_FINISHES_THE_REQUEST_IN_PROGRESS: Claim = Claim {
    id: "ctrl-c-finishes-the-request-in-progress",
    statement: "Ctrl-C (SIGINT) stops the server gracefully: new connections are refused, \
                the request in progress still gets its whole answer, and then the process ends.",
    explained_in: section(11, "Stopping on Ctrl-C"),
    check: ctrl_c_finishes_the_request_in_progress,
};

// Chapter 13

pub static BAD_CLIENTS_COST_NO_WORKER: Claim = Claim {
    id: "bad-clients-cost-no-worker",
    statement: "Clients that break off cost no worker: after 100 clients that send a request \
                line that is not UTF-8, reset the connection or hang up, four requests for \
                `/sleep` are still answered after one sleep, and a fifth after two.",
    explained_in: section(13, "Proving it"),
    check: bad_clients_cost_no_worker,
};

// Chapter 14

pub static BUSY_GETS_503: Claim = Claim {
    id: "busy-gets-503",
    statement: "When every worker is busy and the queue is full, a request is answered at once \
                with `503 Service Unavailable` and `Retry-After`: with four requests for \
                `/sleep` in progress, 100 more requests for `/` each get hello.html or a 503, \
                and 503s come before the sleeps are over.",
    explained_in: section(14, "Saying no"),
    check: busy_gets_503,
};

// Chapter 15

pub static SILENT_CLIENT_GETS_408: Claim = Claim {
    id: "silent-client-gets-408",
    statement: "A client that sends half a request line and then nothing gets \
                `408 Request Timeout` once its time is up (within ten seconds), and the \
                connection ends.",
    explained_in: section(15, "A time limit for every read"),
    check: silent_client_gets_408,
};

pub static TRICKLER_GETS_408: Claim = Claim {
    id: "trickler-gets-408",
    statement: "A client that sends its request one byte a second, and never finishes it, \
                gets `408 Request Timeout` too, within ten seconds: the whole head of a \
                request has a deadline, not only each read.",
    explained_in: section(15, "A deadline for the whole head"),
    check: trickler_gets_408,
};

pub static SLOW_CLIENTS_COST_NO_WORKER: Claim = Claim {
    id: "slow-clients-cost-no-worker",
    statement: "Slow clients cost no worker: with 50 connections that send nothing and 50 \
                that send a byte a second, `/` still gets hello.html within a second.",
    explained_in: section(15, "One reader for all heads"),
    check: slow_clients_cost_no_worker,
};

// Chapter 16

pub static TYPE_AND_DATE: Claim = Claim {
    id: "type-and-date",
    statement: "Every answer says what it holds and when it was sent: `/` gets hello.html and \
                other paths get 404.html, each with `Content-Type: text/html; charset=utf-8` \
                and a `Date` of now; a query does not change the page (`/?lang=en` gets \
                hello.html).",
    explained_in: section(16, "Every answer has a date and a type"),
    check: type_and_date,
};

pub static HEAD_GETS_NO_BODY: Claim = Claim {
    id: "head-gets-no-body",
    statement: "`HEAD /` gets the head that `GET /` gets, `Content-Length` included, and no body.",
    explained_in: section(16, "Every answer has a date and a type"),
    check: head_gets_no_body,
};

pub static MALFORMED_GETS_400: Claim = Claim {
    id: "malformed-gets-400",
    statement: "A head that breaks the grammar of HTTP gets `400 Bad Request`: a request line \
                without a version or with two spaces in a row, a target with a NUL byte or a \
                byte above ASCII, a version in small letters, a header line without a colon or \
                with a space before it, a header continued on the next line, an HTTP/1.1 \
                request without `Host` or with two.",
    explained_in: section(16, "The grammar of a head"),
    check: malformed_gets_400,
};

pub static UNKNOWN_METHOD_GETS_501: Claim = Claim {
    id: "unknown-method-gets-501",
    statement: "A method that HTTP does not define (`BREW`, or `get`: methods are case-sensitive) \
                gets `501 Not Implemented`, with `Allow: GET, HEAD`.",
    explained_in: section(16, "A status for every refusal"),
    check: unknown_method_gets_501,
};

pub static OTHER_METHOD_GETS_405: Claim = Claim {
    id: "other-method-gets-405",
    statement: "A method that HTTP defines but this server does not answer (`POST`, `DELETE`, \
                `OPTIONS`) gets `405 Method Not Allowed`, with `Allow: GET, HEAD`.",
    explained_in: section(16, "A status for every refusal"),
    check: other_method_gets_405,
};

pub static VERSIONS: Claim = Claim {
    id: "versions",
    statement: "`HTTP/1.0` is answered like `HTTP/1.1`, and needs no `Host`; `HTTP/2.0` and \
                `HTTP/0.9` get `505 HTTP Version Not Supported`.",
    explained_in: section(16, "A status for every refusal"),
    check: versions,
};

pub static BODY_DOES_NOT_COST_THE_ANSWER: Claim = Claim {
    id: "body-does-not-cost-the-answer",
    statement: "A request with a body that the server does not read (a `PUT` of 4 MiB) still \
                gets its whole answer, a `405`, and no reset.",
    explained_in: section(16, "A body we do not read"),
    check: body_does_not_cost_the_answer,
};

// Chapter 17

pub static FILES_WITH_THEIR_TYPE: Claim = Claim {
    id: "files-with-their-type",
    statement: "Every file of `pages/` is served byte for byte, with its type: `/about.html` \
                as `text/html; charset=utf-8`, `/notes.txt` as `text/plain; charset=utf-8`, \
                `/favicon.ico` as `image/x-icon`.",
    explained_in: section(17, "A type for every file"),
    check: files_with_their_type,
};

pub static NO_WAY_OUT: Claim = Claim {
    id: "no-way-out",
    statement: "No path leads out of `pages/`: `/../Cargo.toml`, its encoded forms \
                (`/%2e%2e/Cargo.toml`, `/..%2fCargo.toml`), backslashes, `//etc/passwd` and \
                a NUL byte each get the 404 page, and never the file.",
    explained_in: section(17, "Only plain names"),
    check: no_way_out,
};

// Chapter 18

pub static KEEPS_THE_CONNECTION_OPEN: Claim = Claim {
    id: "keeps-the-connection-open",
    statement: "An HTTP/1.1 request gets its answer without `Connection: close`, and the \
                connection stays open: two more requests on it, sent in one write, get their \
                answers in turn.",
    explained_in: section(18, "One connection, many requests"),
    check: keeps_the_connection_open,
};

pub static CLOSES_WHEN_ASKED: Claim = Claim {
    id: "closes-when-asked",
    statement: "A request with `Connection: close`, an `HTTP/1.0` request and a request with \
                a body each get an answer with `Connection: close`, and then the connection \
                closes.",
    explained_in: section(18, "When a connection ends"),
    check: closes_when_asked,
};

pub static IDLE_CONNECTION_CLOSES: Claim = Claim {
    id: "idle-connection-closes",
    statement: "A connection that stays silent after an answer is closed without a word after \
                the idle time (5 s): not before half of it, and before twice it.",
    explained_in: section(18, "When a connection ends"),
    check: idle_connection_closes,
};

pub static HUNDRED_REQUESTS_AT_MOST: Claim = Claim {
    id: "hundred-requests-at-most",
    statement: "One connection gets 100 answers at most: the 100th says `Connection: close`, \
                and then the connection closes.",
    explained_in: section(18, "When a connection ends"),
    check: hundred_requests_at_most,
};

pub static IDLE_CONNECTIONS_COST_NO_WORKER: Claim = Claim {
    id: "idle-connections-cost-no-worker",
    statement: "Open connections that wait for their next request hold no worker: 50 \
                connections, opened one after another, each get their answer at once, while \
                those before them stay open and silent.",
    explained_in: section(18, "Handing the connection back"),
    check: idle_connections_cost_no_worker,
};

// Chapter 19

pub static STOPS_UNDER_LOAD: Claim = Claim {
    id: "stops-under-load",
    statement: "SIGTERM under load loses no request: with two requests for `/sleep` in \
                progress, twelve connections that send request after request, four idle \
                connections and a silent one, every request sent gets its whole answer, each \
                answer that leaves after the signal says `Connection: close`, the idle and \
                silent connections are closed within two and a half seconds, new connections \
                are refused, and the process ends.",
    explained_in: section(19, "Proving it"),
    check: stops_under_load,
};

// Chapter 20

pub static PANIC_GETS_500: Claim = Claim {
    id: "panic-gets-500",
    statement: "A request for `/panic`, whose handler panics, gets `500 Internal Server Error` \
                with 500.html, and its connection closes; after eight of them, four requests \
                for `/sleep` at once still take one sleep: no worker was lost.",
    explained_in: section(20, "A panic gets an answer"),
    check: panic_gets_500,
};

pub static LOGS_EACH_ANSWER: Claim = Claim {
    id: "logs-each-answer",
    statement: "Each answer gets one line in the server's output, such as `GET /sleep 200 \
                5003ms worker-2`: the method and target (`-` where unknown), the status, the \
                milliseconds since the request began, and the thread that answered. Checked \
                with twenty-eight requests: pages, errors, a panic, a silent client, four \
                sleeps side by side, a full queue and a 503.",
    explained_in: section(20, "A line for each answer"),
    check: logs_each_answer,
};

pub static COUNTS_WHAT_IT_DID: Claim = Claim {
    id: "counts-what-it-did",
    statement: "When it stops, the server prints its counts, `Accepted:`, `Served:`, \
                `Rejected:`, `Timed out:` and `Panicked:`, each followed by its number: its \
                answers of each kind add up to its log lines, and it accepted at least every \
                connection the check made.",
    explained_in: section(20, "Counting"),
    check: counts_what_it_did,
};

// Chapter 21

/// How many answered connections the closer of chapter 21 holds for their
/// clients to read (`CLOSING`), and how many requests chapter 14's server
/// takes at once (`WORKERS` + `QUEUE`).
const CLOSING: usize = 128;
const WORKERS_AND_QUEUE: usize = 4 + 16;

pub static BODY_WHILE_THE_CLOSER_IS_FULL: Claim = Claim {
    id: "body-while-the-closer-is-full",
    statement: "While the server holds a hundred and twenty-eight answered connections whose \
                clients have not hung up, a client that is still sending a body of 16 MiB \
                gets its whole `405` answer, and no reset: four times.",
    explained_in: section(21, "A closer with its hands full"),
    check: body_while_the_closer_is_full,
};

pub static FULL_FOR_A_MOMENT: Claim = Claim {
    id: "full-for-a-moment",
    statement: "Forty keep-alive connections at once, twice as many as the pool has workers \
                and places in its queue, each ask for `/` fifty times, one request after \
                another: every one of the 2,000 requests gets hello.html, and none a `503`.",
    explained_in: section(21, "A queue full for a moment"),
    check: full_for_a_moment,
};

// Chapter 27

pub static MANY_OPEN_CONNECTIONS: Claim = Claim {
    id: "many-open-connections",
    statement: "Five hundred open connections cost the server no more than their sockets: \
                opened one after another, each gets hello.html for `/` within half the idle \
                time and stays open, while all those before it stay open and silent; then \
                the first one gets a second answer.",
    explained_in: section(27, "A task for every connection"),
    check: many_open_connections,
};

pub static HANG_UP_DROPS_THE_WORK: Claim = Claim {
    id: "hang-up-drops-the-work",
    statement: "A client that hangs up while its request is worked on costs no more work: \
                after twenty requests for `/sleep`, as many as the workers and the queue hold, \
                whose clients reset their connections a moment later, four requests for \
                `/sleep` are answered side by side, after about one sleep.",
    explained_in: section(27, "Clients that leave"),
    check: hang_up_drops_the_work,
};

/// Every claim, each once.
pub static ALL: &[&Claim] = &[
    &NO_ANSWER,
    &CLOSES_AT_ONCE,
    &WAITS_FOR_BLANK_LINE,
    &HALF_LINE_HARMLESS,
    &BARE_STATUS_LINE,
    &HELLO_FOR_ROOT,
    &HELLO_FOR_ANY_PATH,
    &NOT_FOUND_FOR_OTHER_PATHS,
    &EXACT_REQUEST_LINE,
    &SLEEP_ANSWERS,
    &ROOT_WAITS_BEHIND_SLEEP,
    &ROOT_NOT_HELD_UP,
    &SLEEPS_SIDE_BY_SIDE,
    &HANG_UP_DOES_NOT_STOP_THE_SERVER,
    &POOL_RUNS_NOTHING,
    &FOUR_AT_A_TIME,
    &HANG_UPS_COST_NO_WORKER,
    &CTRL_C_FINISHES_THE_REQUEST_IN_PROGRESS,
    &BAD_CLIENTS_COST_NO_WORKER,
    &BUSY_GETS_503,
    &SILENT_CLIENT_GETS_408,
    &TRICKLER_GETS_408,
    &SLOW_CLIENTS_COST_NO_WORKER,
    &TYPE_AND_DATE,
    &HEAD_GETS_NO_BODY,
    &MALFORMED_GETS_400,
    &UNKNOWN_METHOD_GETS_501,
    &OTHER_METHOD_GETS_405,
    &VERSIONS,
    &BODY_DOES_NOT_COST_THE_ANSWER,
    &FILES_WITH_THEIR_TYPE,
    &NO_WAY_OUT,
    &KEEPS_THE_CONNECTION_OPEN,
    &CLOSES_WHEN_ASKED,
    &IDLE_CONNECTION_CLOSES,
    &HUNDRED_REQUESTS_AT_MOST,
    &IDLE_CONNECTIONS_COST_NO_WORKER,
    &STOPS_UNDER_LOAD,
    &PANIC_GETS_500,
    &LOGS_EACH_ANSWER,
    &COUNTS_WHAT_IT_DID,
    &BODY_WHILE_THE_CLOSER_IS_FULL,
    &FULL_FOR_A_MOMENT,
    &MANY_OPEN_CONNECTIONS,
    &HANG_UP_DROPS_THE_WORK,
];

/// The pages of chapter 5, which later chapters keep.
macro_rules! pages {
    () => {
        [
            &HELLO_FOR_ROOT,
            &NOT_FOUND_FOR_OTHER_PATHS,
            &EXACT_REQUEST_LINE,
        ]
    };
}

static CH01: [&Claim; 2] = [&NO_ANSWER, &CLOSES_AT_ONCE];
static CH02: [&Claim; 3] = [&NO_ANSWER, &WAITS_FOR_BLANK_LINE, &HALF_LINE_HARMLESS];
static CH03: [&Claim; 1] = [&BARE_STATUS_LINE];
static CH04: [&Claim; 2] = [&HELLO_FOR_ROOT, &HELLO_FOR_ANY_PATH];
static CH05: [&Claim; 3] = pages!();
static CH07: [&Claim; 5] = {
    let [a, b, c] = pages!();
    [a, b, c, &SLEEP_ANSWERS, &ROOT_WAITS_BEHIND_SLEEP]
};
// The claim that may stop a server of chapter 7 comes last.
static CH08: [&Claim; 7] = {
    let [a, b, c] = pages!();
    [
        a,
        b,
        c,
        &SLEEP_ANSWERS,
        &ROOT_NOT_HELD_UP,
        &SLEEPS_SIDE_BY_SIDE,
        &HANG_UP_DOES_NOT_STOP_THE_SERVER,
    ]
};
static CH09: [&Claim; 1] = [&POOL_RUNS_NOTHING];
static CH10: [&Claim; 6] = {
    let [a, b, c] = pages!();
    [a, b, c, &SLEEP_ANSWERS, &ROOT_NOT_HELD_UP, &FOUR_AT_A_TIME]
};
// Ctrl-C ends the server: it comes last.
static CH11: [&Claim; 8] = {
    let [a, b, c] = pages!();
    [
        a,
        b,
        c,
        &SLEEP_ANSWERS,
        &ROOT_NOT_HELD_UP,
        &FOUR_AT_A_TIME,
        &HANG_UPS_COST_NO_WORKER,
        &CTRL_C_FINISHES_THE_REQUEST_IN_PROGRESS,
    ]
};

// Chapter 11's claims still hold; Ctrl-C ends the server, so it still comes last.
static CH13: [&Claim; 9] = {
    let [a, b, c] = pages!();
    [
        a,
        b,
        c,
        &SLEEP_ANSWERS,
        &ROOT_NOT_HELD_UP,
        &FOUR_AT_A_TIME,
        &HANG_UPS_COST_NO_WORKER,
        &BAD_CLIENTS_COST_NO_WORKER,
        &CTRL_C_FINISHES_THE_REQUEST_IN_PROGRESS,
    ]
};

// Chapter 13's claims still hold, and a full server says so.
static CH14: [&Claim; 10] = {
    let [a, b, c] = pages!();
    [
        a,
        b,
        c,
        &SLEEP_ANSWERS,
        &ROOT_NOT_HELD_UP,
        &FOUR_AT_A_TIME,
        &HANG_UPS_COST_NO_WORKER,
        &BAD_CLIENTS_COST_NO_WORKER,
        &BUSY_GETS_503,
        &CTRL_C_FINISHES_THE_REQUEST_IN_PROGRESS,
    ]
};

// Chapter 14's claims still hold, and slow clients get a time limit.
static CH15: [&Claim; 13] = {
    let [a, b, c] = pages!();
    [
        a,
        b,
        c,
        &SLEEP_ANSWERS,
        &ROOT_NOT_HELD_UP,
        &FOUR_AT_A_TIME,
        &HANG_UPS_COST_NO_WORKER,
        &BAD_CLIENTS_COST_NO_WORKER,
        &BUSY_GETS_503,
        &SILENT_CLIENT_GETS_408,
        &TRICKLER_GETS_408,
        &SLOW_CLIENTS_COST_NO_WORKER,
        &CTRL_C_FINISHES_THE_REQUEST_IN_PROGRESS,
    ]
};

// Chapter 15's claims still hold, but chapter 5's exact request line does
// not: a request is parsed now, and its query is not part of its path.
static CH16: [&Claim; 18] = [
    &HELLO_FOR_ROOT,
    &TYPE_AND_DATE,
    &HEAD_GETS_NO_BODY,
    &MALFORMED_GETS_400,
    &UNKNOWN_METHOD_GETS_501,
    &OTHER_METHOD_GETS_405,
    &VERSIONS,
    &BODY_DOES_NOT_COST_THE_ANSWER,
    &SLEEP_ANSWERS,
    &ROOT_NOT_HELD_UP,
    &FOUR_AT_A_TIME,
    &HANG_UPS_COST_NO_WORKER,
    &BAD_CLIENTS_COST_NO_WORKER,
    &BUSY_GETS_503,
    &SILENT_CLIENT_GETS_408,
    &TRICKLER_GETS_408,
    &SLOW_CLIENTS_COST_NO_WORKER,
    &CTRL_C_FINISHES_THE_REQUEST_IN_PROGRESS,
];

// Chapter 16's claims still hold, and the files of `pages/` are served.
static CH17: [&Claim; 20] = {
    let [a, b, c, d, e, f, g, h, rest @ ..] = CH16;
    let [i, j, k, l, m, n, o, p, q, ctrl_c] = rest;
    [
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        &FILES_WITH_THEIR_TYPE,
        &NO_WAY_OUT,
        i,
        j,
        k,
        l,
        m,
        n,
        o,
        p,
        q,
        ctrl_c,
    ]
};

// Chapter 17's claims still hold, and connections stay open. Chapter 4's
// claim on `/` is left out: it shows `Connection: close`, which an open
// connection's answer does not have (`type-and-date` checks `/` instead).
static CH18: [&Claim; 24] = {
    let [_hello, b, c, d, e, f, g, h, i, j, rest @ ..] = CH17;
    let [k, l, m, n, o, p, q, r, s, ctrl_c] = rest;
    [
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        i,
        j,
        &KEEPS_THE_CONNECTION_OPEN,
        &CLOSES_WHEN_ASKED,
        &IDLE_CONNECTION_CLOSES,
        &HUNDRED_REQUESTS_AT_MOST,
        &IDLE_CONNECTIONS_COST_NO_WORKER,
        k,
        l,
        m,
        n,
        o,
        p,
        q,
        r,
        s,
        ctrl_c,
    ]
};

// Chapter 18's claims still hold, and the server stops under load without
// losing a request: that claim takes the place of chapter 11's Ctrl-C,
// which it contains (a check can stop the server only once).
static CH19: [&Claim; 24] = {
    let [rest @ .., _ctrl_c] = CH18;
    let [
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        i,
        j,
        k,
        l,
        m,
        n,
        o,
        p,
        q,
        r,
        s,
        t,
        u,
        v,
        w,
    ] = rest;
    [
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        i,
        j,
        k,
        l,
        m,
        n,
        o,
        p,
        q,
        r,
        s,
        t,
        u,
        v,
        w,
        &STOPS_UNDER_LOAD,
    ]
};

// Chapter 19's claims still hold; a panic gets an answer, and the server
// logs each answer. Once it has stopped, its counts are checked.
static CH20: [&Claim; 27] = {
    let [rest @ .., stops] = CH19;
    let [
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        i,
        j,
        k,
        l,
        m,
        n,
        o,
        p,
        q,
        r,
        s,
        t,
        u,
        v,
        w,
    ] = rest;
    [
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        i,
        j,
        k,
        l,
        m,
        n,
        o,
        p,
        q,
        r,
        s,
        t,
        u,
        v,
        w,
        &PANIC_GETS_500,
        &LOGS_EACH_ANSWER,
        stops,
        &COUNTS_WHAT_IT_DID,
    ]
};

/// Chapter 20's claims, and the two of chapter 21's fixes that a client can
/// see, before the claims that stop the server.
static CH21: [&Claim; 29] = with_before_last(
    &CH20,
    &[&BODY_WHILE_THE_CLOSER_IS_FULL, &FULL_FOR_A_MOMENT],
    2,
);

/// Chapter 21's claims, and two that chapter 27's server keeps: its
/// connections each cost a task, not a place at a reader thread, and the
/// work of a client that hangs up is dropped.
static CH27: [&Claim; 31] =
    with_before_last(&CH21, &[&MANY_OPEN_CONNECTIONS, &HANG_UP_DROPS_THE_WORK], 2);

/// `claims` with `more` between them and their last `keep_last`; `N` is
/// how many they are together.
const fn with_before_last<const A: usize, const N: usize>(
    claims: &[&'static Claim; A],
    more: &[&'static Claim],
    keep_last: usize,
) -> [&'static Claim; N] {
    assert!(A + more.len() == N && keep_last <= A);
    let mut all = [claims[0]; N];
    let split = A - keep_last;
    let mut i = 0;
    while i < N {
        all[i] = if i < split {
            claims[i]
        } else if i < split + more.len() {
            more[i - split]
        } else {
            claims[i - more.len()]
        };
        i += 1;
    }
    all
}

/// The claims of chapter `number`, in the order the check runs them.
pub fn of_chapter(number: u8) -> &'static [&'static Claim] {
    match number {
        1 => &CH01,
        2 => &CH02,
        3 => &CH03,
        4 => &CH04,
        // Chapter 6 changes the code, not one byte of what it sends.
        5 | 6 => &CH05,
        7 => &CH07,
        8 => &CH08,
        9 => &CH09,
        10 => &CH10,
        // Chapter 12 shows chapter 11's server in full.
        11 | 12 => &CH11,
        13 => &CH13,
        14 => &CH14,
        15 => &CH15,
        16 => &CH16,
        17 => &CH17,
        18 => &CH18,
        19 => &CH19,
        20 => &CH20,
        // Besides these, `cargo run -p hostile` fires at chapter 21's server.
        21 => &CH21,
        27 => &CH27,
        _ => &[],
    }
}

fn verdict(holds: bool, exchange: Exchange) -> Outcome {
    if holds {
        Outcome::Pass(exchange)
    } else {
        Outcome::Fail(exchange)
    }
}

fn hello() -> String {
    page_response("HTTP/1.1 200 OK", HELLO_HTML)
}

fn not_found() -> String {
    page_response("HTTP/1.1 404 Not Found", NOT_FOUND_HTML)
}

/// `curl`'s request for `path`, as shown in a report.
fn shown_request(path: &str) -> String {
    show::escape(curl_request(path).as_bytes())
}

/// What we call a complete answer that is exactly `expected`, in a report.
fn name_of(expected: &str) -> &'static str {
    if expected == hello() {
        "hello.html"
    } else if expected == not_found() {
        "404.html"
    } else {
        "the answer"
    }
}

/// Sends each request in turn; holds if every answer is exactly `expected`.
/// Reports the first answer that differs, or all of them in one line.
fn each_gets(target: &Target, requests: &[Vec<u8>], all_sent: String, expected: &str) -> Outcome {
    for request in requests {
        let answer = client::exchange(target.addr, request, TIMEOUT);
        if !answer.is(expected) {
            return Outcome::Fail(Exchange {
                sent: show::escape(request),
                expected: show::bytes(expected.as_bytes(), None),
                got: show::answer_against(&answer, expected.as_bytes()),
            });
        }
    }
    Outcome::Pass(Exchange {
        sent: all_sent,
        expected: show::bytes(expected.as_bytes(), None),
        got: if requests.len() == 1 {
            "the same".to_string()
        } else {
            "the same, every time".to_string()
        },
    })
}

/// Holds if every path gets exactly `expected` for curl's request.
fn paths_get(target: &Target, paths: &[&str], expected: &str) -> Outcome {
    let requests: Vec<_> = paths
        .iter()
        .map(|path| curl_request(path).into_bytes())
        .collect();
    let all_sent = if let [path] = paths {
        shown_request(path)
    } else {
        format!("curl's request for each of {}", paths.join(" "))
    };
    each_gets(target, &requests, all_sent, expected)
}

fn no_answer(target: &Target) -> Outcome {
    let answer = client::exchange(target.addr, curl_request("/").as_bytes(), TIMEOUT);
    verdict(
        answer.is_silent_close(),
        Exchange {
            sent: shown_request("/"),
            expected: "nothing: the connection closes without an answer \
                       (curl says “Empty reply from server”, or that the connection was reset)"
                .to_string(),
            got: show::describe(&answer),
        },
    )
}

fn closes_at_once(target: &Target) -> Outcome {
    const PATIENCE: Duration = Duration::from_secs(2);
    let sent = "a connection, and nothing on it".to_string();
    let expected = format!(
        "the server closes the connection within {}, without an answer",
        secs(PATIENCE)
    );
    let mut stream = match client::connect(target.addr) {
        Ok(stream) => stream,
        Err(answer) => {
            return Outcome::Fail(Exchange {
                sent,
                expected,
                got: show::describe(&answer),
            });
        }
    };
    let started = Instant::now();
    let answer = client::wait_for_answer(&mut stream, PATIENCE);
    let got = match &answer {
        Answer::StillOpen(bytes) if bytes.is_empty() => format!(
            "the connection was still open after {}: the server waits for a request",
            secs(PATIENCE)
        ),
        other if other.is_silent_close() => {
            format!(
                "closed without an answer, after {}",
                secs(started.elapsed())
            )
        }
        other => show::describe(other),
    };
    verdict(
        answer.is_silent_close(),
        Exchange {
            sent,
            expected,
            got,
        },
    )
}

fn waits_for_blank_line(target: &Target) -> Outcome {
    const PATIENCE: Duration = Duration::from_secs(1);
    let head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:7878\r\n";
    let sent = format!(
        "{}, then, {} later, the blank line \\r\\n",
        show::escape(head),
        secs(PATIENCE)
    );
    let expected = "the connection stays open until the blank line comes, \
                    then closes without an answer"
        .to_string();
    let fail = |got: String| {
        Outcome::Fail(Exchange {
            sent: sent.clone(),
            expected: expected.clone(),
            got,
        })
    };
    let mut stream = match client::connect(target.addr) {
        Ok(stream) => stream,
        Err(answer) => return fail(show::describe(&answer)),
    };
    let before = match stream.write_all(head) {
        Ok(()) => client::wait_for_answer(&mut stream, PATIENCE),
        Err(_) => client::wait_for_answer(&mut stream, TIMEOUT),
    };
    match before {
        Answer::StillOpen(bytes) if bytes.is_empty() => {}
        other if other.is_silent_close() => {
            return fail("the server closed the connection before the blank line came".into());
        }
        other => return fail(format!("before the blank line: {}", show::describe(&other))),
    }
    let after = match stream.write_all(b"\r\n") {
        Ok(()) => client::wait_for_answer(&mut stream, TIMEOUT),
        Err(e) => Answer::Failed(e),
    };
    let holds = after.is_silent_close();
    let got = if holds {
        "the connection stayed open until the blank line, then closed without an answer".into()
    } else {
        format!(
            "the connection stayed open until the blank line; after it: {}",
            show::describe(&after)
        )
    };
    verdict(
        holds,
        Exchange {
            sent,
            expected,
            got,
        },
    )
}

fn half_line_harmless(target: &Target) -> Outcome {
    let first = client::send_and_hang_up(target.addr, b"GET /", TIMEOUT);
    let second = client::exchange(target.addr, curl_request("/").as_bytes(), TIMEOUT);
    let holds = first.is_silent_close() && second.is_silent_close();
    verdict(
        holds,
        Exchange {
            sent: format!(
                "GET / and then the client hangs up; then, on a new connection, {}",
                shown_request("/")
            ),
            expected: "no answer to either, and the second connection is accepted".into(),
            got: format!(
                "to the first: {}; to the second: {}",
                show::describe(&first),
                show::describe(&second)
            ),
        },
    )
}

fn bare_status_line(target: &Target) -> Outcome {
    paths_get(target, &["/", "/anything"], "HTTP/1.1 200 OK\r\n\r\n")
}

fn hello_for_root(target: &Target) -> Outcome {
    paths_get(target, &["/"], &hello())
}

fn hello_for_any_path(target: &Target) -> Outcome {
    paths_get(target, &["/no-such-page"], &hello())
}

fn not_found_for_other_paths(target: &Target) -> Outcome {
    paths_get(
        target,
        &["/something-else", "/hello.html", "//", "/?"],
        &not_found(),
    )
}

fn exact_request_line(target: &Target) -> Outcome {
    let lines = [
        "POST / HTTP/1.1",
        "GET / HTTP/1.0",
        "get / HTTP/1.1",
        "GET  / HTTP/1.1",
    ];
    let requests: Vec<_> = lines
        .iter()
        .map(|line| format!("{line}\r\nHost: 127.0.0.1\r\n\r\n").into_bytes())
        .collect();
    let all_sent = format!(
        "requests whose first line is each of: {}",
        lines.map(|line| format!("“{line}”")).join(", ")
    );
    each_gets(target, &requests, all_sent, &not_found())
}

/// What came back for a request, with how long it took.
fn timed(answer: &Answer, took: Duration, expected: &str) -> String {
    match answer.complete() {
        Some(_) if answer.is(expected) => {
            format!("{}, after {}", name_of(expected), secs(took))
        }
        _ => format!(
            "after {}: {}",
            secs(took),
            show::answer_against(answer, expected.as_bytes())
        ),
    }
}

fn sleep_answers(target: &Target) -> Outcome {
    let expected = hello();
    let least = target.sleep * 8 / 10;
    let (answer, took) = Pending::get(target.addr, "/sleep", target.patience()).wait();
    let complete = answer.is(&expected);
    let mut got = timed(&answer, took, &expected);
    if complete && took < least {
        got.push_str(": it did not sleep");
    }
    verdict(
        complete && took >= least,
        Exchange {
            sent: shown_request("/sleep"),
            expected: format!(
                "hello.html, after at least {} (the sleep is {})",
                secs(least),
                secs(target.sleep)
            ),
            got,
        },
    )
}

fn root_waits_behind_sleep(target: &Target) -> Outcome {
    let expected = hello();
    let least = target.sleep * 8 / 10;
    let slow = Pending::get(target.addr, "/sleep", target.patience());
    let (answer, took) = Pending::get(target.addr, "/", target.patience()).wait();
    target.leave_running([slow]);
    let complete = answer.is(&expected);
    let mut got = timed(&answer, took, &expected);
    if complete && took < least {
        got.push_str(": it did not wait");
    }
    verdict(
        complete && took >= least,
        Exchange {
            sent: "curl's request for /sleep, and right after it, on a second connection, \
                   the one for /"
                .into(),
            expected: format!(
                "hello.html for /, but only after at least {}: it waits for /sleep ({})",
                secs(least),
                secs(target.sleep)
            ),
            got,
        },
    )
}

fn root_not_held_up(target: &Target) -> Outcome {
    let expected = hello();
    let most = target.sleep / 2;
    let slow: Vec<_> = (0..2)
        .map(|_| Pending::get(target.addr, "/sleep", target.patience()))
        .collect();
    let mut fast = Pending::get(target.addr, "/", target.patience());
    let (holds, got) = match fast.by(Instant::now() + most) {
        Some((answer, took)) => (
            answer.is(&expected) && *took < most,
            timed(answer, *took, &expected),
        ),
        None => (
            false,
            format!("no answer to / within {}: it waits for /sleep", secs(most)),
        ),
    };
    target.leave_running(slow.into_iter().chain([fast]));
    verdict(
        holds,
        Exchange {
            sent: "curl's request for /sleep twice, and right after, on a third connection, \
                   the one for /"
                .into(),
            expected: format!(
                "hello.html for /, within {} (half the sleep of {})",
                secs(most),
                secs(target.sleep)
            ),
            got,
        },
    )
}

/// Sends `count` requests for `/sleep` at once; returns them and when they were sent.
fn sleeps(target: &Target, count: usize) -> (Instant, Vec<Pending>) {
    let started = Instant::now();
    let pending = (0..count)
        .map(|_| Pending::get(target.addr, "/sleep", target.patience()))
        .collect();
    (started, pending)
}

/// The times, as a list: `5.00 s, 5.01 s`.
fn times(took: &[Duration]) -> String {
    took.iter().map(|t| secs(*t)).collect::<Vec<_>>().join(", ")
}

/// `count` requests for `/sleep` at once: how long each that got hello.html
/// within `most` took, and the first other answer, described.
fn side_by_side(target: &Target, count: usize, most: Duration) -> (Vec<Duration>, Option<String>) {
    let expected = hello();
    let (started, mut pending) = sleeps(target, count);
    let mut took = Vec::new();
    let mut wrong = None;
    for request in &mut pending {
        match request.by(started + most) {
            Some((answer, t)) if answer.is(&expected) => took.push(*t),
            Some((answer, t)) => {
                wrong.get_or_insert_with(|| timed(answer, *t, &expected));
            }
            None => {}
        }
    }
    target.leave_running(pending);
    (took, wrong)
}

fn sleeps_side_by_side(target: &Target) -> Outcome {
    let most = target.sleep * 3 / 2;
    let (took, wrong) = side_by_side(target, 8, most);
    let got = match wrong {
        Some(wrong) => format!("one answer was not hello.html: {wrong}"),
        None if took.len() == 8 => format!("all eight, after {}", times(&took)),
        None => format!(
            "only {} of eight answered within {}{}",
            took.len(),
            secs(most),
            if took.is_empty() {
                String::new()
            } else {
                format!(", after {}", times(&took))
            }
        ),
    };
    verdict(
        took.len() == 8,
        Exchange {
            sent: "curl's request for /sleep, eight times at once, each on its own connection"
                .into(),
            expected: format!(
                "hello.html for all eight, within {} (one and a half sleeps of {})",
                secs(most),
                secs(target.sleep)
            ),
            got,
        },
    )
}

fn four_at_a_time(target: &Target) -> Outcome {
    let expected = hello();
    let first_round = target.sleep * 3 / 2;
    let second_round = target.sleep * 5 / 2;
    let (started, mut pending) = sleeps(target, 5);
    let mut early = Vec::new();
    let mut waiting = Vec::new();
    let mut wrong = None;
    for (index, request) in pending.iter_mut().enumerate() {
        match request.by(started + first_round) {
            Some((answer, t)) if answer.is(&expected) => early.push(*t),
            Some((answer, t)) => {
                wrong.get_or_insert_with(|| timed(answer, *t, &expected));
            }
            None => waiting.push(index),
        }
    }
    let mut late = Vec::new();
    if early.len() == 4 && wrong.is_none() {
        for index in waiting {
            match pending[index].by(started + second_round) {
                Some((answer, t)) if answer.is(&expected) => {
                    late.push(*t);
                }
                Some((answer, t)) => {
                    wrong.get_or_insert_with(|| timed(answer, *t, &expected));
                }
                None => {}
            }
        }
    }
    target.leave_running(pending);
    let got = match wrong {
        Some(wrong) => format!("one answer was not hello.html: {wrong}"),
        None if early.len() == 4 && late.len() == 1 => format!(
            "four after {}; the fifth after {}",
            times(&early),
            times(&late)
        ),
        None if early.len() == 4 => format!(
            "four after {}; the fifth not within {}",
            times(&early),
            secs(second_round)
        ),
        None if early.is_empty() => format!("none within {}", secs(first_round)),
        None => format!(
            "{} within {} (after {}), not four",
            early.len(),
            secs(first_round),
            times(&early)
        ),
    };
    verdict(
        early.len() == 4 && late.len() == 1,
        Exchange {
            sent: "curl's request for /sleep, five times at once, each on its own connection"
                .into(),
            expected: format!(
                "hello.html for four of them within {} (one and a half sleeps of {}), \
                 and for the fifth after that, within {}",
                secs(first_round),
                secs(target.sleep),
                secs(second_round)
            ),
            got,
        },
    )
}

/// Hangs up `count` times without a word, then asks for `/`.
fn hang_ups_then_root(target: &Target, count: usize, sent: String) -> Outcome {
    let expected = hello();
    let mut answered = None;
    for _ in 0..count {
        let answer = client::send_and_hang_up(target.addr, b"", TIMEOUT);
        if !answer.is_silent_close() {
            answered = Some(answer);
            break;
        }
    }
    let root = client::exchange(target.addr, curl_request("/").as_bytes(), TIMEOUT);
    let holds = answered.is_none() && root.is(&expected);
    let got = match answered {
        Some(answer) => format!("to a client that hung up: {}", show::describe(&answer)),
        None => format!(
            "no answer to the clients that hung up; to /: {}",
            if root.is(&expected) {
                "hello.html".to_string()
            } else {
                show::answer_against(&root, expected.as_bytes())
            }
        ),
    };
    verdict(
        holds,
        Exchange {
            sent,
            expected: "no answer to the clients that hang up, and hello.html for /".into(),
            got,
        },
    )
}

fn hang_up_does_not_stop_the_server(target: &Target) -> Outcome {
    hang_ups_then_root(
        target,
        1,
        format!(
            "a connection that hangs up without sending anything; then {}",
            shown_request("/")
        ),
    )
}

fn hang_ups_cost_no_worker(target: &Target) -> Outcome {
    hang_ups_then_root(
        target,
        8,
        format!(
            "eight connections, one after the other, that hang up without sending anything; \
             then {}",
            shown_request("/")
        ),
    )
}

/// A request line that is not UTF-8: `\xff` is never a byte of UTF-8 text.
const NOT_UTF8: &[u8] = b"GET /\xff HTTP/1.1\r\nHost: 127.0.0.1:7878\r\n\r\n";

/// How many clients that break off [`BAD_CLIENTS_COST_NO_WORKER`] sends.
const BAD_CLIENTS: usize = 100;

/// Sends the bad clients one after the other; the first one that shows a
/// problem, described.
fn send_bad_clients(target: &Target) -> Option<String> {
    for i in 0..BAD_CLIENTS {
        let (kind, answer) = match i % 3 {
            0 => (
                "a request line that is not UTF-8",
                client::send_and_hang_up(target.addr, NOT_UTF8, TIMEOUT),
            ),
            1 => match client::send_and_reset(target.addr, b"GET /") {
                Ok(()) => continue,
                Err(e) => ("half a request line and a reset", Answer::CannotConnect(e)),
            },
            _ => (
                "a hang-up without a word",
                client::send_and_hang_up(target.addr, b"", TIMEOUT),
            ),
        };
        // Any answer will do, or none, as long as the connection ends.
        if !matches!(answer, Answer::Closed(_) | Answer::Reset(_)) {
            return Some(format!(
                "client {} of {BAD_CLIENTS} ({kind}): {}",
                i + 1,
                show::describe(&answer)
            ));
        }
    }
    None
}

fn bad_clients_cost_no_worker(target: &Target) -> Outcome {
    let sent = format!(
        "{BAD_CLIENTS} clients, one after the other, in turn: a request line that is not UTF-8 \
         ({}) and a hang-up; half a request line (GET /) and a reset; a hang-up without a word. \
         Then curl's request for /sleep, five times at once",
        show::escape(NOT_UTF8)
    );
    let expected = "the connection of each of the 100 ends (with or without an answer); then \
                    hello.html for four of the five after one sleep, and for the fifth after two"
        .to_string();
    if let Some(problem) = send_bad_clients(target) {
        return Outcome::Fail(Exchange {
            sent,
            expected,
            got: problem,
        });
    }
    let (holds, got) = match four_at_a_time(target) {
        Outcome::Pass(exchange) => (true, exchange.got),
        Outcome::Fail(exchange) => (false, exchange.got),
        Outcome::Skipped(why) => (false, why),
    };
    verdict(
        holds,
        Exchange {
            sent,
            expected,
            got: format!("all {BAD_CLIENTS} connections ended; then {got}"),
        },
    )
}

/// How many requests for `/` [`BUSY_GETS_503`] sends while the workers sleep.
const CROWD: usize = 100;

/// Whether `bytes` is a whole `503 Service Unavailable` answer with a
/// `Retry-After` header: the status line, headers, and as many bytes of body
/// as `Content-Length` says (any page will do).
pub fn is_busy_answer(bytes: &[u8]) -> bool {
    whole_answer(bytes).is_some_and(|(status_line, headers)| {
        status_line == "HTTP/1.1 503 Service Unavailable"
            && headers
                .iter()
                .any(|(name, value)| name.eq_ignore_ascii_case("retry-after") && !value.is_empty())
    })
}

/// Whether `bytes` is a whole `408 Request Timeout` answer (any page will do).
pub fn is_timeout_answer(bytes: &[u8]) -> bool {
    whole_answer(bytes)
        .is_some_and(|(status_line, _)| status_line == "HTTP/1.1 408 Request Timeout")
}

fn busy_gets_503(target: &Target) -> Outcome {
    let expected = hello();
    let sent = format!(
        "curl's request for /sleep, four times at once; {} later, curl's request for /, \
         {CROWD} times at once, each on its own connection",
        secs(target.sleep / 5)
    );
    let expects = format!(
        "each of the {CROWD} gets hello.html or a whole 503 Service Unavailable with a \
         Retry-After header, and at least one 503 comes within {} (before the sleeps are over)",
        secs(target.sleep / 2)
    );
    let (_, sleeping) = sleeps(target, 4);
    // Time enough for the four to reach the workers.
    std::thread::sleep(target.sleep / 5);
    let crowd: Vec<Pending> = (0..CROWD)
        .map(|_| Pending::get(target.addr, "/", target.patience()))
        .collect();
    let mut pages = 0;
    let mut early_503s = Vec::new();
    let mut late_503s = 0;
    let mut wrong = None;
    for (index, request) in crowd.into_iter().enumerate() {
        let (answer, took) = request.wait();
        match answer.complete() {
            Some(_) if answer.is(&expected) => pages += 1,
            Some(bytes) if is_busy_answer(bytes) => {
                if took < target.sleep / 2 {
                    early_503s.push(took);
                } else {
                    late_503s += 1;
                }
            }
            _ => {
                wrong.get_or_insert_with(|| {
                    format!(
                        "request {} of {CROWD}, after {}: {}",
                        index + 1,
                        secs(took),
                        show::describe(&answer)
                    )
                });
            }
        }
    }
    target.leave_running(sleeping);
    let holds = wrong.is_none() && !early_503s.is_empty();
    let slowest = early_503s.iter().max().copied();
    let got = match wrong {
        Some(wrong) => format!("one answer was neither hello.html nor a 503: {wrong}"),
        None => format!(
            "{pages} × hello.html, {} × 503 within {}{}{}",
            early_503s.len(),
            secs(target.sleep / 2),
            match slowest {
                Some(t) => format!(" (the slowest after {})", secs(t)),
                None => String::new(),
            },
            if late_503s > 0 {
                format!(", {late_503s} × 503 later")
            } else {
                String::new()
            }
        ),
    };
    verdict(
        holds,
        Exchange {
            sent,
            expected: expects,
            got,
        },
    )
}

/// The longest a server of chapter 15 may take to answer a slow client
/// `408`: twice its time for the head.
fn most_for_408(target: &Target) -> Duration {
    target.head_time * 2
}

/// Whether `answer` is a whole `408`, within `most`; and what came, in words.
fn got_408(answer: &Answer, took: Duration, most: Duration) -> (bool, String) {
    match answer.complete() {
        Some(bytes) if is_timeout_answer(bytes) && took <= most => (
            true,
            format!("a whole 408 Request Timeout, after {}", secs(took)),
        ),
        _ if matches!(answer, Answer::StillOpen(_)) => (
            false,
            format!(
                "nothing within {}: the connection was still open{}",
                secs(most),
                match answer {
                    Answer::StillOpen(bytes) if !bytes.is_empty() =>
                        format!(", after {}", show::bytes(bytes, None)),
                    _ => String::new(),
                }
            ),
        ),
        _ => (
            false,
            format!("after {}: {}", secs(took), show::describe(answer)),
        ),
    }
}

fn silent_client_gets_408(target: &Target) -> Outcome {
    let most = most_for_408(target);
    let started = Instant::now();
    let answer = match client::connect(target.addr) {
        Ok(mut stream) => match stream.write_all(b"GET / HT") {
            Ok(()) => client::wait_for_answer(&mut stream, most),
            Err(e) => Answer::Failed(e),
        },
        Err(answer) => answer,
    };
    let (holds, got) = got_408(&answer, started.elapsed(), most);
    verdict(
        holds,
        Exchange {
            sent: "half a request line, GET / HT, and then nothing".into(),
            expected: format!(
                "a whole 408 Request Timeout within {}, and the end of the connection",
                secs(most)
            ),
            got,
        },
    )
}

/// How often a trickling client sends a byte: a fifth of the time for the
/// head (a second, for the book's servers), far more often than a time limit
/// for each read can notice.
fn trickle_interval(target: &Target) -> Duration {
    target.head_time / 5
}

fn trickler_gets_408(target: &Target) -> Outcome {
    let most = most_for_408(target);
    let interval = trickle_interval(target);
    let (answer, took) = client::trickle(target.addr, interval, most);
    let (holds, got) = got_408(&answer, took, most);
    verdict(
        holds,
        Exchange {
            sent: format!(
                "curl's request for /, one byte every {}, never finished",
                secs(interval)
            ),
            expected: format!(
                "a whole 408 Request Timeout within {}, and the end of the connection",
                secs(most)
            ),
            got,
        },
    )
}

/// How many silent clients, and how many trickling ones,
/// [`SLOW_CLIENTS_COST_NO_WORKER`] keeps connected.
const SLOW: usize = 50;

fn slow_clients_cost_no_worker(target: &Target) -> Outcome {
    let interval = trickle_interval(target);
    let sent = format!(
        "{SLOW} connections that send nothing and {SLOW} that send curl's request for / one \
         byte every {}; {} later, curl's request for /",
        secs(interval),
        secs(interval * 2)
    );
    let expected = "hello.html for /, within 1.00 s".to_string();
    let fail = |got: String| {
        Outcome::Fail(Exchange {
            sent: sent.clone(),
            expected: expected.clone(),
            got,
        })
    };
    let silent: Result<Vec<_>, _> = (0..SLOW).map(|_| client::connect(target.addr)).collect();
    let silent = match silent {
        Ok(silent) => silent,
        Err(answer) => return fail(format!("a silent client: {}", show::describe(&answer))),
    };
    let trickler = match client::Trickler::start(target.addr, SLOW, interval) {
        Ok(trickler) => trickler,
        Err(e) => return fail(format!("a trickling client could not connect: {e}")),
    };
    // Time for the server to take them all, and for each trickler to send
    // a byte or two.
    std::thread::sleep(interval * 2);
    let started = Instant::now();
    let root = client::exchange(target.addr, curl_request("/").as_bytes(), TIMEOUT);
    let took = started.elapsed();
    drop(trickler);
    drop(silent);
    let most = Duration::from_secs(1);
    let hello = hello();
    let holds = root.is(&hello) && took <= most;
    verdict(
        holds,
        Exchange {
            sent,
            expected,
            got: timed(&root, took, &hello),
        },
    )
}

/// A request for `target` with `method`, as curl sends it.
fn request_with(method: &str, target: &str) -> Vec<u8> {
    curl_request(target).replacen("GET", method, 1).into_bytes()
}

/// What an answer from chapter 16 on must be: its status line, its type,
/// a `Date` of now and `Connection: close`; maybe its body, and an `Allow`.
struct Expected<'a> {
    status_line: &'a str,
    content_type: &'a str,
    /// The body, if any will not do.
    body: Option<&'a [u8]>,
    /// Whether `Allow` must name GET and HEAD.
    allow: bool,
}

impl<'a> Expected<'a> {
    /// An HTML page with `status_line`: any page, or `page` if given.
    fn html(status_line: &'a str, page: Option<&'a str>) -> Expected<'a> {
        Expected {
            status_line,
            content_type: "text/html; charset=utf-8",
            body: page.map(str::as_bytes),
            allow: false,
        }
    }

    fn with_allow(self) -> Expected<'a> {
        Expected {
            allow: true,
            ..self
        }
    }

    /// What is wrong with `answer` as this answer; `None` if nothing is.
    fn fault_in_answer(&self, answer: &Answer) -> Option<String> {
        match answer {
            Answer::Closed(bytes) => self.fault_in(bytes, false),
            Answer::Kept(bytes) => self.fault_in(bytes, true),
            _ => Some(show::describe(answer)),
        }
    }

    /// What is wrong with `bytes` as this answer; `None` if nothing is. An
    /// answer after which the connection closed says `Connection: close`;
    /// one after which it stays open (`kept`, chapter 18) does not.
    fn fault_in(&self, bytes: &[u8], kept: bool) -> Option<String> {
        let Some((status, headers)) = whole_answer(bytes) else {
            return Some(
                "not a whole answer: a head, and as many bytes as Content-Length says".into(),
            );
        };
        let header = |wanted: &str| {
            headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
                .map(|(_, value)| *value)
        };
        let squeezed = |text: &str| text.to_ascii_lowercase().replace(' ', "");
        if status != self.status_line {
            return Some(format!("the status line is “{status}”"));
        }
        let content_type = header("content-type").unwrap_or("");
        if squeezed(content_type) != squeezed(self.content_type) {
            return Some(format!("Content-Type is “{content_type}”"));
        }
        match header("date").map(httpdate::parse_http_date) {
            None => return Some("there is no Date".into()),
            Some(Err(_)) => return Some("the Date is not an HTTP date".into()),
            Some(Ok(date)) => {
                let now = SystemTime::now();
                let off = now.duration_since(date).unwrap_or_else(|e| e.duration());
                if off > Duration::from_secs(60) {
                    return Some(format!("the Date is {} off", secs(off)));
                }
            }
        }
        let closes = header("connection").is_some_and(|value| value.eq_ignore_ascii_case("close"));
        if !closes && !kept {
            return Some("there is no Connection: close".into());
        }
        if self.allow {
            let value = header("allow").unwrap_or("");
            let methods: Vec<_> = value.split(',').map(str::trim).collect();
            if !(methods.contains(&"GET") && methods.contains(&"HEAD")) {
                return Some(format!("Allow is “{value}”, not a list with GET and HEAD"));
            }
        }
        // `whole_answer` checked that the body is as long as Content-Length says.
        if let Some(body) = self.body
            && !(bytes.ends_with(body) && content_length(bytes) == Some(body.len()))
        {
            return Some("the body is not the one expected, byte for byte".into());
        }
        None
    }

    /// This answer, in words.
    fn describe(&self) -> String {
        format!(
            "a whole “{}”, with Content-Type: {}, a Date of now{}{}",
            self.status_line,
            self.content_type,
            if self.allow { ", Allow: GET, HEAD" } else { "" },
            if self.body.is_some() {
                " and the expected body"
            } else {
                " and a body"
            },
        )
    }
}

/// The `Content-Length` of the whole answer `bytes`.
fn content_length(bytes: &[u8]) -> Option<usize> {
    let (_, headers) = whole_answer(bytes)?;
    let (_, value) = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))?;
    value.parse().ok()
}

/// Sends each request; holds if each answer is `expected`.
fn each_answered(target: &Target, requests: &[(String, Vec<u8>)], expected: &Expected) -> Outcome {
    let described = format!("for each, {}", expected.describe());
    for (shown, request) in requests {
        let answer = client::exchange(target.addr, request, TIMEOUT);
        let got = match answer.complete() {
            Some(_) => expected
                .fault_in_answer(&answer)
                .map(|fault| format!("{fault}: {}", show::describe(&answer))),
            None => Some(show::describe(&answer)),
        };
        if let Some(got) = got {
            return Outcome::Fail(Exchange {
                sent: shown.clone(),
                expected: described,
                got,
            });
        }
    }
    let sent: Vec<_> = requests.iter().map(|(shown, _)| shown.as_str()).collect();
    Outcome::Pass(Exchange {
        sent: sent.join("; "),
        expected: described,
        got: "the same, every time".into(),
    })
}

/// Holds if `first` holds and then `second` does, and says what both sent.
fn then(first: Outcome, second: impl FnOnce() -> Outcome) -> Outcome {
    let Outcome::Pass(first) = first else {
        return first;
    };
    match second() {
        Outcome::Pass(second) => Outcome::Pass(Exchange {
            sent: format!("{}; {}", first.sent, second.sent),
            expected: format!("{}; {}", first.expected, second.expected),
            got: "the same, every time".into(),
        }),
        fail => fail,
    }
}

/// Requests whose head is each of `heads`, shown as they are sent.
fn heads(heads: &[&str]) -> Vec<(String, Vec<u8>)> {
    heads
        .iter()
        .map(|head| {
            let bytes = format!("{head}\r\n\r\n").into_bytes();
            (show::escape(&bytes), bytes)
        })
        .collect()
}

/// curl's request for each of `paths`, shown as it is sent.
fn curl_requests(paths: &[&str]) -> Vec<(String, Vec<u8>)> {
    paths
        .iter()
        .map(|path| (shown_request(path), curl_request(path).into_bytes()))
        .collect()
}

fn type_and_date(target: &Target) -> Outcome {
    then(
        each_answered(
            target,
            &curl_requests(&["/", "/?lang=en"]),
            &Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML)),
        ),
        || {
            each_answered(
                target,
                &curl_requests(&["/something-else", "//"]),
                &Expected::html("HTTP/1.1 404 Not Found", Some(NOT_FOUND_HTML)),
            )
        },
    )
}

fn head_gets_no_body(target: &Target) -> Outcome {
    let get = client::exchange(target.addr, curl_request("/").as_bytes(), TIMEOUT);
    let request = request_with("HEAD", "/");
    let head = client::exchange(target.addr, &request, TIMEOUT);
    let head_of = |bytes: &[u8]| {
        let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        Some(bytes[..end + 4].to_vec())
    };
    // The Date may differ by a second between the two.
    let without_date = |head: Vec<u8>| -> Vec<u8> {
        String::from_utf8_lossy(&head)
            .split("\r\n")
            .filter(|line| !line.to_ascii_lowercase().starts_with("date:"))
            .collect::<Vec<_>>()
            .join("\r\n")
            .into_bytes()
    };
    let holds = match (get.complete(), head.complete()) {
        (Some(bytes), Some(head)) => {
            head_of(bytes).map(without_date) == Some(without_date(head.to_vec()))
                && Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML))
                    .fault_in_answer(&get)
                    .is_none()
        }
        _ => false,
    };
    verdict(
        holds,
        Exchange {
            sent: format!("{}, then {}", shown_request("/"), show::escape(&request)),
            expected: "to HEAD, the head that GET gets (its Date aside), and nothing after it"
                .into(),
            got: format!(
                "to GET: {}; to HEAD: {}",
                show::describe(&get),
                show::describe(&head)
            ),
        },
    )
}

fn malformed_gets_400(target: &Target) -> Outcome {
    let mut requests = heads(&[
        "GET /",
        "GET  / HTTP/1.1\r\nHost: 127.0.0.1",
        "GET /a\0b HTTP/1.1\r\nHost: 127.0.0.1",
        "GET / http/1.1\r\nHost: 127.0.0.1",
        "GET / HTTP/1.1\r\nHost 127.0.0.1",
        "GET / HTTP/1.1\r\nHost : 127.0.0.1",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html,\r\n text/plain",
        "GET / HTTP/1.1",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: example.com",
    ]);
    let above_ascii = b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_vec();
    requests.insert(3, (show::escape(&above_ascii), above_ascii));
    each_answered(
        target,
        &requests,
        &Expected::html("HTTP/1.1 400 Bad Request", None),
    )
}

/// curl's request for `target` with `method`, shown as it is sent.
fn method_requests(requests: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    requests
        .iter()
        .map(|(method, target)| {
            let request = request_with(method, target);
            (show::escape(&request), request)
        })
        .collect()
}

fn unknown_method_gets_501(target: &Target) -> Outcome {
    each_answered(
        target,
        &method_requests(&[("BREW", "/"), ("get", "/")]),
        &Expected::html("HTTP/1.1 501 Not Implemented", None).with_allow(),
    )
}

fn other_method_gets_405(target: &Target) -> Outcome {
    let mut requests = method_requests(&[("DELETE", "/"), ("OPTIONS", "*")]);
    let post = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello".to_vec();
    requests.insert(0, (show::escape(&post), post));
    each_answered(
        target,
        &requests,
        &Expected::html("HTTP/1.1 405 Method Not Allowed", None).with_allow(),
    )
}

fn versions(target: &Target) -> Outcome {
    then(
        each_answered(
            target,
            &heads(&["GET / HTTP/1.0"]),
            &Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML)),
        ),
        || {
            each_answered(
                target,
                &heads(&[
                    "GET / HTTP/2.0\r\nHost: 127.0.0.1",
                    "GET / HTTP/0.9\r\nHost: 127.0.0.1",
                ]),
                &Expected::html("HTTP/1.1 505 HTTP Version Not Supported", None),
            )
        },
    )
}

/// How long the body of [`BODY_DOES_NOT_COST_THE_ANSWER`]'s `PUT` is.
const BODY: usize = 4 << 20;

fn body_does_not_cost_the_answer(target: &Target) -> Outcome {
    let head = format!("PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {BODY}\r\n\r\n");
    let mut request = head.clone().into_bytes();
    request.resize(head.len() + BODY, b'x');
    let shown = format!(
        "{}, then {BODY} bytes of body",
        show::escape(head.as_bytes())
    );
    each_answered(
        target,
        &[(shown, request)],
        &Expected::html("HTTP/1.1 405 Method Not Allowed", None).with_allow(),
    )
}

/// The files of `steps/pages/`, with their types (chapter 17).
const PAGES: [(&str, &str, &[u8]); 3] = [
    (
        "/about.html",
        "text/html; charset=utf-8",
        include_bytes!("../../pages/about.html"),
    ),
    (
        "/notes.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../pages/notes.txt"),
    ),
    (
        "/favicon.ico",
        "image/x-icon",
        include_bytes!("../../pages/favicon.ico"),
    ),
];

fn files_with_their_type(target: &Target) -> Outcome {
    let file = |(path, content_type, body): (&str, &str, &[u8])| {
        let expected = Expected {
            status_line: "HTTP/1.1 200 OK",
            content_type,
            body: Some(body),
            allow: false,
        };
        each_answered(target, &curl_requests(&[path]), &expected)
    };
    let [about, notes, icon] = PAGES;
    then(then(file(about), || file(notes)), || file(icon))
}

fn no_way_out(target: &Target) -> Outcome {
    let paths = [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/..\\Cargo.toml",
        "/%5c..%5cCargo.toml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/about.html%00.txt",
    ];
    paths_get(target, &paths, &not_found())
}

/// Runs `claim` on the server's process id, or skips it if the check has
/// none: the claims that send a signal stop the server.
fn with_pid(target: &Target, claim: fn(&Target, u32) -> Outcome) -> Outcome {
    match target.pid {
        Some(pid) => claim(target, pid),
        None => no_pid(),
    }
}

/// What a claim that needs the server's process id says without one.
fn no_pid() -> Outcome {
    Outcome::Skipped(
        "Skipped: this claim needs your server's process id, and it stops your server. \
             Run the check again with `--pid <PID>`; `pgrep -n <name of your package>` \
             prints the id."
            .into(),
    )
}

fn ctrl_c_finishes_the_request_in_progress(target: &Target) -> Outcome {
    with_pid(target, signal::ctrl_c)
}

fn stops_under_load(target: &Target) -> Outcome {
    with_pid(target, signal::stop_under_load)
}

fn panic_gets_500(target: &Target) -> Outcome {
    let expected = Expected::html("HTTP/1.1 500 Internal Server Error", Some(PANIC_HTML));
    let sent = "curl's request for /panic with `Connection: close`, eight times, one after \
                another; then curl's request for /sleep, four times at once"
        .to_string();
    let most = target.sleep * 9 / 5;
    let expects = format!(
        "{} each time, and the connection closed; then hello.html four times, all within {}",
        expected.describe(),
        secs(most)
    );
    let fault = (|| {
        for number in 1..=8 {
            let answer = client::exchange(target.addr, &closing_request("/panic"), TIMEOUT);
            if let Some(fault) = expected.fault_in_answer(&answer) {
                return Some(format!("request {number} for /panic: {fault}"));
            }
        }
        let hello = hello();
        let (started, mut pending) = sleeps(target, 4);
        let mut fault = None;
        for (number, request) in pending.iter_mut().enumerate() {
            match request.by(started + most) {
                Some((answer, _)) if answer.is(&hello) => {}
                Some((answer, took)) => {
                    fault.get_or_insert_with(|| {
                        format!("/sleep {}: {}", number + 1, timed(answer, *took, &hello))
                    });
                }
                None => {
                    fault.get_or_insert_with(|| {
                        format!(
                            "/sleep {} had no answer after {}: a worker is missing",
                            number + 1,
                            secs(most)
                        )
                    });
                }
            }
        }
        target.leave_running(pending);
        fault
    })();
    verdict(
        fault.is_none(),
        Exchange {
            sent,
            expected: expects,
            got: fault
                .unwrap_or_else(|| "eight times 500.html, then four sleeps side by side".into()),
        },
    )
}

/// Runs `claim` with the server's output, or skips it if the check has none.
fn with_log(target: &Target, claim: fn(&Target, &Path) -> Outcome) -> Outcome {
    match &target.log {
        Some(path) => claim(target, path),
        None => Outcome::Skipped(
            "Skipped: this claim reads your server's output. Start your server with \
             `cargo run > server.log` (or `cargo run | tee server.log`), and run the check \
             again with `--log server.log`."
                .into(),
        ),
    }
}

/// A log line that a claim expects; `None` where any will do.
struct Wanted {
    method: Option<&'static str>,
    target: Option<String>,
    status: u16,
    /// How long the request may have taken: at least, and less than.
    took: (Duration, Duration),
}

impl Wanted {
    fn new(method: &'static str, target: &str, status: u16, took: (Duration, Duration)) -> Wanted {
        Wanted {
            method: Some(method),
            target: Some(target.to_string()),
            status,
            took,
        }
    }

    /// A line whose method and target may be `-`, or anything.
    fn any_request(status: u16, took: (Duration, Duration)) -> Wanted {
        Wanted {
            method: None,
            target: None,
            ..Wanted::new("", "", status, took)
        }
    }

    fn matches(&self, line: &log::Line) -> bool {
        self.method.is_none_or(|method| line.method == method)
            && self
                .target
                .as_ref()
                .is_none_or(|target| line.target == *target)
            && line.status == self.status
            && line.took >= self.took.0
            && line.took < self.took.1
    }

    fn describe(&self) -> String {
        format!(
            "{} {} {} (between {} and {})",
            self.method.unwrap_or("…"),
            self.target.as_deref().unwrap_or("…"),
            self.status,
            secs(self.took.0),
            secs(self.took.1)
        )
    }
}

/// What [`answer_mix`] sent, and what it expects in the log.
struct Mix {
    wanted: Vec<Wanted>,
    /// A word in the target of each request that has one of its own.
    nonce: String,
    /// How many connections it opened.
    connections: usize,
    /// What went wrong with an answer first.
    fault: Option<String>,
}

/// What [`answer_mix`] sends, in words.
fn mix_sent(target: &Target) -> String {
    format!(
        "a connection that sends nothing; then, one after another, each with `Connection: \
         close`: GET /, HEAD /, GET /nothing-…, DELETE /…, a head with a header without a \
         colon, GET /panic; then curl's request for /sleep four times at once; {} later, \
         GET /queued-… sixteen times (the queue); {} later, GET /turned-away-…",
        secs(target.sleep / 5),
        secs(target.sleep / 10)
    )
}

/// Sends twenty-eight requests whose answers are of every kind: pages,
/// errors, a panic, a timeout, four sleeps, a full queue and a 503.
fn answer_mix(target: &Target) -> Mix {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |t| t.subsec_nanos());
    let nonce = format!("{:06x}", nanos & 0xff_ffff);
    let quick = (Duration::ZERO, target.sleep / 2);
    let mut mix = Mix {
        wanted: Vec::new(),
        nonce: nonce.clone(),
        connections: 0,
        fault: None,
    };
    let head_time = target.head_time;
    mix.wanted.push(Wanted::any_request(
        408,
        (head_time * 4 / 5, head_time + TIMEOUT),
    ));
    let mut silent = client::connect(target.addr).ok();
    mix.connections += 1;

    let nothing = format!("/nothing-{nonce}");
    let deleted = format!("/{nonce}");
    let quick_ones: [(&str, Vec<u8>, u16); 6] = [
        ("GET /", closing_request("/"), 200),
        ("HEAD /", with_method("HEAD", closing_request("/")), 200),
        ("GET /nothing-…", closing_request(&nothing), 404),
        (
            "DELETE /…",
            with_method("DELETE", closing_request(&deleted)),
            405,
        ),
        (
            "a header without a colon",
            b"GET / HTTP/1.1\r\nHost 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
            400,
        ),
        ("GET /panic", closing_request("/panic"), 500),
    ];
    for (name, request, status) in quick_ones {
        let answer = client::exchange(target.addr, &request, TIMEOUT);
        mix.connections += 1;
        if status_of(&answer) != Some(status) {
            mix.fault
                .get_or_insert_with(|| format!("{name}: {}", show::describe(&answer)));
        }
    }
    mix.wanted.extend([
        Wanted::new("GET", "/", 200, quick),
        Wanted::new("HEAD", "/", 200, quick),
        Wanted::new("GET", &nothing, 404, quick),
        Wanted::new("DELETE", &deleted, 405, quick),
        Wanted::any_request(400, quick),
        Wanted::new("GET", "/panic", 500, quick),
    ]);

    let (_, mut pending) = sleeps(target, 4);
    let slept = (target.sleep * 4 / 5, target.sleep + TIMEOUT);
    for _ in 0..4 {
        mix.wanted.push(Wanted::new("GET", "/sleep", 200, slept));
    }
    std::thread::sleep(target.sleep / 5);
    let mut queued = Vec::new();
    for number in 0..16 {
        let path = format!("/queued-{nonce}-{number}");
        queued.push(Pending::get(target.addr, &path, target.patience()));
        mix.wanted.push(Wanted::new(
            "GET",
            &path,
            404,
            (Duration::ZERO, target.patience()),
        ));
    }
    std::thread::sleep(target.sleep / 10);
    let turned_away = format!("/turned-away-{nonce}");
    let busy = Pending::get(target.addr, &turned_away, target.patience())
        .wait()
        .0;
    mix.wanted
        .push(Wanted::new("GET", &turned_away, 503, quick));
    mix.connections += 4 + 16 + 1;
    if status_of(&busy) != Some(503) {
        mix.fault
            .get_or_insert_with(|| format!("GET /turned-away-…: {}", show::describe(&busy)));
    }
    for (name, request, status) in pending
        .iter_mut()
        .map(|p| ("/sleep", p, 200))
        .chain(queued.iter_mut().map(|p| ("/queued-…", p, 404)))
    {
        let answer = request
            .by(Instant::now() + target.patience())
            .map(|(a, _)| status_of(a));
        if answer != Some(Some(status)) {
            mix.fault
                .get_or_insert_with(|| format!("{name}: not a {status}"));
        }
    }
    let silent = silent
        .as_mut()
        .map(|stream| client::wait_for_answer(stream, head_time + TIMEOUT));
    if silent.as_ref().and_then(status_of) != Some(408) {
        let got = silent.map_or("cannot connect".to_string(), |a| show::describe(&a));
        mix.fault
            .get_or_insert_with(|| format!("the silent connection: {got}"));
    }
    mix
}

/// `request`, a `GET`, with `method` in its place.
fn with_method(method: &str, request: Vec<u8>) -> Vec<u8> {
    let rest = request.strip_prefix(b"GET").expect("a GET request");
    [method.as_bytes(), rest].concat()
}

/// The status code of an answer that the server sent and closed, or kept
/// open: `200` for `HTTP/1.1 200 OK`.
fn status_of(answer: &Answer) -> Option<u16> {
    let bytes = answer.complete()?;
    let end = bytes.windows(2).position(|w| w == b"\r\n")?;
    let status_line = std::str::from_utf8(&bytes[..end]).ok()?;
    status_line
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()
}

/// What is wrong with `lines` as the log of `mix`: each wanted line must be
/// there, and a request with the mix's nonce in its target logged once.
/// (Other lines are let be: the log may hold lines of earlier requests.)
fn fault_in_log(mix: &Mix, lines: &[log::Line]) -> Option<String> {
    let mut used = vec![false; lines.len()];
    let mut missing = Vec::new();
    for wanted in &mix.wanted {
        let found = lines
            .iter()
            .enumerate()
            .find(|(i, line)| !used[*i] && wanted.matches(line));
        match found {
            Some((i, _)) => used[i] = true,
            None => missing.push(wanted.describe()),
        }
    }
    if !missing.is_empty() {
        return Some(format!("no line for: {}", missing.join("; ")));
    }
    let extra: Vec<String> = lines
        .iter()
        .zip(&used)
        .filter(|(line, used)| !**used && line.target.contains(&mix.nonce))
        .map(|(line, _)| format!("{} {} {}", line.method, line.target, line.status))
        .collect();
    if !extra.is_empty() {
        return Some(format!("a second line for: {}", extra.join("; ")));
    }
    let workers: std::collections::HashSet<&str> = lines
        .iter()
        .filter(|line| line.target == "/sleep" && line.status == 200)
        .map(|line| line.who.as_str())
        .collect();
    if workers.len() < 4 {
        return Some(format!(
            "the four sleeps, which ran side by side, name {} thread(s): {}",
            workers.len(),
            workers.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    None
}

fn logs_each_answer(target: &Target) -> Outcome {
    with_log(target, |target, path| {
        let output = log::Output::new(path);
        let start = output.size();
        let sent = mix_sent(target);
        let expected = "a line for each answer: GET / 200, HEAD / 200, GET /nothing-… 404, \
                        DELETE /… 405, a 400, GET /panic 500, four times GET /sleep 200 from \
                        four threads, sixteen GET /queued-… 404, GET /turned-away-… 503 and \
                        a 408; the quick ones within half a sleep, the sleeps after one"
            .to_string();
        let fail = |got: String| {
            Outcome::Fail(Exchange {
                sent: sent.clone(),
                expected: expected.clone(),
                got,
            })
        };
        let mix = answer_mix(target);
        if let Some(fault) = &mix.fault {
            return fail(format!("an answer was wrong: {fault}"));
        }
        // The lines of the last answers may come a moment after them.
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let text = output.since(start);
            let lines: Vec<log::Line> = text.lines().filter_map(log::Line::parse).collect();
            match fault_in_log(&mix, &lines) {
                None => {
                    return Outcome::Pass(Exchange {
                        sent,
                        expected,
                        got: format!("{} lines, each as expected", lines.len()),
                    });
                }
                Some(fault) if Instant::now() >= deadline => {
                    let shown = text.lines().take(3).collect::<Vec<_>>().join(" | ");
                    return fail(format!(
                        "{fault} (the output since the check began, {} log lines, starts: {})",
                        lines.len(),
                        if shown.is_empty() { "nothing" } else { &shown }
                    ));
                }
                Some(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    })
}

fn counts_what_it_did(target: &Target) -> Outcome {
    with_log(target, |target, path| match target.pid {
        Some(pid) => signal::counts(target, pid, path),
        None => no_pid(),
    })
}

#[cfg(unix)]
mod signal {
    use super::*;
    use std::net::{SocketAddr, TcpStream};
    use std::process::{Command, Stdio};
    use std::thread;

    /// Whether the process `pid` has ended. (A process that has ended but
    /// whose parent has not collected it yet, a zombie, counts as ended.)
    fn has_ended(pid: u32) -> bool {
        match Command::new("ps")
            .args(["-o", "stat=", "-p", &pid.to_string()])
            .stderr(Stdio::null())
            .output()
        {
            Ok(output) => {
                let state = String::from_utf8_lossy(&output.stdout);
                state.trim().is_empty() || state.trim_start().starts_with('Z')
            }
            Err(_) => !Command::new("kill")
                .args(["-0", &pid.to_string()])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success()),
        }
    }

    /// How long after `signalled` new connections to `addr` were first
    /// refused, looking every 20 ms; `None` if they were not within
    /// [`TIMEOUT`].
    fn refused_after(addr: SocketAddr, signalled: Instant) -> Option<Duration> {
        loop {
            if TcpStream::connect(addr).is_err() {
                return Some(signalled.elapsed());
            }
            if signalled.elapsed() >= TIMEOUT {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the process `pid` ends within [`TIMEOUT`] from now.
    fn ends_in_time(pid: u32) -> bool {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if has_ended(pid) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn ctrl_c(target: &Target, pid: u32) -> Outcome {
        let expected = hello();
        let sent = format!(
            "curl's request for /sleep; {} later, while it sleeps, SIGINT to process {pid} \
             (what Ctrl-C sends); then new connections",
            secs(target.sleep / 5)
        );
        let expects = "new connections refused while /sleep still runs, hello.html for /sleep, \
                       and the process ends"
            .to_string();
        let slow = Pending::get(target.addr, "/sleep", target.patience());
        // Time enough for the server to take the request.
        thread::sleep(target.sleep / 5);
        let signalled = Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status();
        if !signalled.is_ok_and(|status| status.success()) {
            target.leave_running([slow]);
            return Outcome::Fail(Exchange {
                sent,
                expected: expects,
                got: format!("`kill -INT {pid}` failed: is that your server's process id?"),
            });
        }
        let signalled_at = Instant::now();

        // Connections are refused from some moment on; when?
        let refused_after = refused_after(target.addr, signalled_at);
        let (answer, took) = slow.wait();
        let answered_after = took.saturating_sub(target.sleep / 5);
        let complete = answer.is(&expected);

        let ended = ends_in_time(pid);

        let refused_in_time = refused_after.is_some_and(|t| t < answered_after || !complete);
        let mut got = vec![match refused_after {
            Some(t) => format!("new connections refused {} after the signal", secs(t)),
            None => format!(
                "new connections still accepted {} after the signal",
                secs(TIMEOUT)
            ),
        }];
        got.push(if complete {
            format!(
                "hello.html for /sleep, {} after the signal",
                secs(answered_after)
            )
        } else {
            format!(
                "for /sleep: {}",
                show::answer_against(&answer, expected.as_bytes())
            )
        });
        got.push(if ended {
            "the process ended".to_string()
        } else {
            format!("the process still ran {} later", secs(TIMEOUT))
        });
        verdict(
            complete && refused_in_time && ended,
            Exchange {
                sent,
                expected: expects,
                got: got.join("; "),
            },
        )
    }

    pub fn stop_under_load(target: &Target, pid: u32) -> Outcome {
        use super::stop::{self, IDLE, LOOPS};
        use std::sync::OnceLock;

        let hello = hello();
        let sent = format!(
            "curl's request for /sleep, twice; {IDLE} connections that each had an answer \
             to curl's request for / and wait; {LOOPS} connections that send curl's request \
             for / again as soon as it is answered; {} later a new connection that sends \
             nothing; then SIGTERM to process {pid} (what `kill` and service managers send)",
            secs(target.sleep / 5)
        );
        let expects = format!(
            "every request answered whole (hello.html, or a 503), and each of the {LOOPS} \
             ending after an answer with Connection: close; hello.html with Connection: close \
             for both /sleep; the idle and the silent connections closed without an answer \
             within {} of the signal; new connections refused; the process ends",
            secs(stop::closing_time())
        );
        let fail = |got: String| {
            Outcome::Fail(Exchange {
                sent: sent.clone(),
                expected: expects.clone(),
                got,
            })
        };

        let mut sleeps = Vec::new();
        for _ in 0..2 {
            match client::Connection::open(target.addr) {
                Ok(mut connection) => {
                    if let Err(e) = connection.send(curl_request("/sleep").as_bytes()) {
                        return fail(format!("sending /sleep failed: {e}"));
                    }
                    sleeps.push(connection);
                }
                Err(answer) => return fail(show::describe(&answer)),
            }
        }
        let mut idle = Vec::new();
        for _ in 0..IDLE {
            let connection = client::Connection::open(target.addr).and_then(|mut connection| {
                let _ = connection.send(curl_request("/").as_bytes());
                match connection.next_answer(TIMEOUT, false) {
                    answer @ Answer::Kept(_) if answer.is(&hello) => Ok(connection),
                    answer => Err(answer),
                }
            });
            match connection {
                Ok(connection) => idle.push(connection),
                Err(answer) => {
                    return fail(format!(
                        "an idle connection's first request, before the signal: {}",
                        show::describe(&answer)
                    ));
                }
            }
        }

        let signalled = OnceLock::new();
        let (loops, silent_fault, idle_faults, sleep_faults, refused_after, ended) =
            thread::scope(|scope| {
                let loops: Vec<_> = (0..LOOPS)
                    .map(|_| scope.spawn(|| stop::request_after_request(target.addr, &signalled)))
                    .collect();
                // Time enough for the sleeps to reach the workers.
                thread::sleep(target.sleep / 5);
                let silent = match client::Connection::open(target.addr) {
                    Ok(silent) => silent,
                    Err(answer) => {
                        let _ = signalled.set(Instant::now());
                        return (
                            Vec::new(),
                            Some(show::describe(&answer)),
                            vec![],
                            vec![],
                            None,
                            false,
                        );
                    }
                };
                // Time enough for the server to take the silent connection.
                thread::sleep(Duration::from_millis(100));
                // Set first: a client that sees a connection refused after
                // this knows that the signal may have caused it.
                let at = Instant::now();
                let _ = signalled.set(at);
                let killed = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status()
                    .is_ok_and(|status| status.success());
                if !killed {
                    let fault =
                        format!("`kill -TERM {pid}` failed: is that your server's process id?");
                    return (Vec::new(), Some(fault), vec![], vec![], None, false);
                }
                let silent = scope.spawn(move || stop::closes_quietly(silent, at, "silent"));
                let idle: Vec<_> = idle
                    .into_iter()
                    .map(|connection| {
                        scope.spawn(move || stop::closes_quietly(connection, at, "idle"))
                    })
                    .collect();
                let sleeps: Vec<_> = sleeps
                    .into_iter()
                    .map(|mut connection| {
                        let patience = target.patience();
                        let hello = &hello;
                        scope.spawn(move || {
                            let answer = connection.next_answer(patience, false);
                            if answer.is(hello) && matches!(answer, Answer::Closed(_)) {
                                None
                            } else if matches!(answer, Answer::Kept(_)) {
                                Some("/sleep: hello.html without Connection: close".to_string())
                            } else {
                                Some(format!("/sleep: {}", show::describe(&answer)))
                            }
                        })
                    })
                    .collect();

                // New connections are refused from some moment on; when?
                let refused_after = refused_after(target.addr, at);
                let loops: Vec<stop::Loop> = loops
                    .into_iter()
                    .map(|l| l.join().unwrap_or_default())
                    .collect();
                let silent_fault = silent.join().unwrap_or(None);
                let idle_faults: Vec<String> = idle
                    .into_iter()
                    .filter_map(|i| i.join().unwrap_or(None))
                    .collect();
                let sleep_faults: Vec<String> = sleeps
                    .into_iter()
                    .filter_map(|s| s.join().unwrap_or(None))
                    .collect();
                let ended = ends_in_time(pid);
                (
                    loops,
                    silent_fault,
                    idle_faults,
                    sleep_faults,
                    refused_after,
                    ended,
                )
            });

        let mut faults: Vec<String> = loops.iter().filter_map(|l| l.fault.clone()).collect();
        let unfinished = loops
            .iter()
            .filter(|l| l.fault.is_none() && !l.ended_well)
            .count();
        faults.extend(sleep_faults);
        faults.extend(idle_faults);
        faults.extend(silent_fault);
        if refused_after.is_none() {
            faults.push(format!(
                "new connections still accepted {} after the signal",
                secs(TIMEOUT)
            ));
        }
        if !ended {
            faults.push(format!("the process still ran {} later", secs(TIMEOUT)));
        }
        let answered: usize = loops.iter().map(|l| l.answered).sum();
        let after: usize = loops.iter().map(|l| l.after_signal).sum();
        let ended_well = loops.iter().filter(|l| l.ended_well).count();
        let mut got = vec![format!(
            "{answered} requests answered whole, {after} of them after the signal; \
             {ended_well} of {LOOPS} connections ended by an answer with Connection: close{}",
            if unfinished > 0 {
                format!(" ({unfinished} refused when they opened a new one)")
            } else {
                String::new()
            }
        )];
        if let Some(t) = refused_after {
            got.push(format!(
                "new connections refused {} after the signal",
                secs(t)
            ));
        }
        if faults.is_empty() {
            got.push(
                "both /sleep, the idle and the silent connections as expected; the process ended"
                    .to_string(),
            );
        } else {
            got.extend(faults.iter().cloned());
        }
        verdict(
            faults.is_empty(),
            Exchange {
                sent,
                expected: expects,
                got: got.join("; "),
            },
        )
    }

    /// Chapter 20: sends [`answer_mix`] and SIGTERM, unless the server has
    /// stopped already (after `stops-under-load`); then reads the counts
    /// in its output, and holds them against its log lines.
    pub fn counts(target: &Target, pid: u32, path: &Path) -> Outcome {
        let running = !has_ended(pid);
        let sent = if running {
            format!("{}; then SIGTERM to process {pid}", mix_sent(target))
        } else {
            "nothing: the server has stopped already".to_string()
        };
        let expects = "once the process has ended, its output has the five counts; Served, \
                       Rejected, Timed out and Panicked equal its log lines of each kind; \
                       Accepted is at least the connections the check opened"
            .to_string();
        let fail = |got: String| {
            Outcome::Fail(Exchange {
                sent: sent.clone(),
                expected: expects.clone(),
                got,
            })
        };
        let mut opened = 0;
        if running {
            let mix = answer_mix(target);
            if let Some(fault) = mix.fault {
                return fail(format!("an answer was wrong: {fault}"));
            }
            opened = mix.connections;
            let signalled = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
            if !signalled.is_ok_and(|status| status.success()) {
                return fail(format!(
                    "`kill -TERM {pid}` failed: is that your server's process id?"
                ));
            }
            if !ends_in_time(pid) {
                return fail(format!(
                    "the process had not ended {} after SIGTERM",
                    secs(TIMEOUT)
                ));
            }
        }
        let output = log::Output::new(path);
        // What the process wrote may reach the file a moment after it ended
        // (through `tee`, say).
        let deadline = Instant::now() + TIMEOUT;
        let (text, counts) = loop {
            let text = output.since(0);
            match log::Counts::parse(&text) {
                Some(counts) => break (text, counts),
                None if Instant::now() >= deadline => {
                    let missing: Vec<&str> = log::LABELS
                        .iter()
                        .copied()
                        .filter(|label| !text.lines().any(|line| line.starts_with(label)))
                        .collect();
                    return fail(format!(
                        "the output has no line that starts with {}, followed by spaces and a \
                         number",
                        missing.join(" or ")
                    ));
                }
                None => thread::sleep(Duration::from_millis(100)),
            }
        };
        let lines: Vec<log::Line> = text.lines().filter_map(log::Line::parse).collect();
        let logged = log::Counts::of_lines(&lines);
        let mut wrong = Vec::new();
        for (label, kind) in [
            ("Served", log::Kind::Served),
            ("Rejected", log::Kind::Rejected),
            ("Timed out", log::Kind::TimedOut),
            ("Panicked", log::Kind::Panicked),
        ] {
            if counts.of(kind) != logged.of(kind) {
                wrong.push(format!(
                    "{label}: {}, but {} such log lines",
                    counts.of(kind),
                    logged.of(kind)
                ));
            }
        }
        if counts.accepted < opened.max(1) {
            wrong.push(format!(
                "Accepted: {}, but the check opened {opened} connections",
                counts.accepted
            ));
        }
        let got = format!(
            "Accepted {}, Served {}, Rejected {}, Timed out {}, Panicked {}; {} log lines",
            counts.accepted,
            counts.served,
            counts.rejected,
            counts.timed_out,
            counts.panicked,
            lines.len()
        );
        if wrong.is_empty() {
            Outcome::Pass(Exchange {
                sent,
                expected: expects,
                got,
            })
        } else {
            fail(format!("{got}: {}", wrong.join("; ")))
        }
    }
}

/// The clients of [`STOPS_UNDER_LOAD`], which a step's own tests use too.
#[cfg(unix)]
pub mod stop {
    use super::*;
    use crate::BOOK_LAST_CALL;
    use std::net::SocketAddr;
    use std::sync::OnceLock;

    /// How many connections send request after request.
    pub const LOOPS: usize = 12;
    /// How many idle connections wait for their next request.
    pub const IDLE: usize = 4;

    /// How long after the signal the idle and silent connections may stay
    /// open: their last call, and a wide margin.
    pub fn closing_time() -> Duration {
        BOOK_LAST_CALL + Duration::from_millis(1500)
    }

    /// What one of the connections that send request after request saw.
    #[derive(Default)]
    pub struct Loop {
        /// Requests answered whole.
        pub answered: usize,
        /// Of those, the answers that came after the signal.
        pub after_signal: usize,
        /// Whether it ended as it should: after an answer that said it
        /// closes, once the server had the signal.
        pub ended_well: bool,
        /// What went wrong first.
        pub fault: Option<String>,
    }

    /// Sends curl's request for `/` on a connection, one request after
    /// another, each once the last is answered, and opens a new connection
    /// when one ends with an answer that says so, until the server stops.
    /// A connection may end only after such an answer; each request must get
    /// its whole answer.
    pub fn request_after_request(addr: SocketAddr, signalled: &OnceLock<Instant>) -> Loop {
        let hello = hello();
        let request = curl_request("/");
        let mut seen = Loop::default();
        loop {
            let opened_after_signal = signalled.get().is_some();
            let mut connection = match client::Connection::open(addr) {
                Ok(connection) => connection,
                // Refused: the server has stopped taking connections.
                Err(_) if opened_after_signal => return seen,
                Err(answer) => {
                    seen.fault = Some(format!(
                        "a new connection, before the signal: {}",
                        show::describe(&answer)
                    ));
                    return seen;
                }
            };
            for number in 1.. {
                let answer = match connection.send(request.as_bytes()) {
                    Ok(()) => connection.next_answer(TIMEOUT, false),
                    Err(_) => Answer::Reset(Vec::new()),
                };
                let after = signalled.get().copied();
                let late = after.is_some_and(|at| at.elapsed() > BOOK_LAST_CALL);
                match &answer {
                    Answer::Kept(_) if answer.is(&hello) && !late => {
                        seen.answered += 1;
                        seen.after_signal += usize::from(after.is_some());
                    }
                    Answer::Closed(bytes) if answer.is(&hello) || is_busy_answer(bytes) => {
                        seen.answered += 1;
                        if after.is_some() {
                            seen.after_signal += 1;
                            seen.ended_well = true;
                            return seen;
                        }
                        break; // a new connection
                    }
                    // Opened as the server closed its port: it was never
                    // taken, which is as good as refused.
                    _ if number == 1 && opened_after_signal && answer.is_silent_close() => {
                        return seen;
                    }
                    _ => {
                        let when = match after {
                            Some(at) => format!("{} after the signal", secs(at.elapsed())),
                            None => "before the signal".to_string(),
                        };
                        seen.fault = Some(format!(
                            "request {number} on a connection, {when}: {}",
                            if late && matches!(answer, Answer::Kept(_)) {
                                "an answer without `Connection: close`".to_string()
                            } else {
                                show::describe(&answer)
                            }
                        ));
                        return seen;
                    }
                }
            }
        }
    }

    /// Waits until the server ends `connection`, which has sent nothing of
    /// a request: `None` if it did so without an answer, within
    /// [`closing_time`] of `signalled`; what happened otherwise.
    pub fn closes_quietly(
        mut connection: client::Connection,
        signalled: Instant,
        name: &str,
    ) -> Option<String> {
        let answer = connection.next_answer(closing_time() + TIMEOUT, false);
        let took = signalled.elapsed();
        if answer.is_silent_close() && took <= closing_time() {
            None
        } else if answer.is_silent_close() {
            Some(format!(
                "the {name} connection closed {} after the signal",
                secs(took)
            ))
        } else {
            Some(format!(
                "the {name} connection, {} after the signal: {}",
                secs(took),
                show::describe(&answer)
            ))
        }
    }
}

#[cfg(not(unix))]
mod signal {
    use super::*;

    pub fn ctrl_c(_target: &Target, _pid: u32) -> Outcome {
        Outcome::Skipped("Skipped: sending SIGINT needs a Unix system (Linux, macOS).".into())
    }

    pub fn stop_under_load(_target: &Target, _pid: u32) -> Outcome {
        Outcome::Skipped("Skipped: sending SIGTERM needs a Unix system (Linux, macOS).".into())
    }

    pub fn counts(_target: &Target, _pid: u32, _path: &Path) -> Outcome {
        Outcome::Skipped("Skipped: sending SIGTERM needs a Unix system (Linux, macOS).".into())
    }
}

/// A request for `path` that asks the server to close the connection after
/// its answer.
fn closing_request(path: &str) -> Vec<u8> {
    curl_request(path)
        .replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)
        .into_bytes()
}

/// Reads the next answer on `connection`; what is wrong with it, if it is
/// not `expected` on a connection that stays open.
fn fault_in_kept(connection: &mut client::Connection, expected: &Expected) -> Option<String> {
    let answer = connection.next_answer(TIMEOUT, false);
    match answer {
        Answer::Kept(_) => expected
            .fault_in_answer(&answer)
            .map(|fault| format!("{fault}: {}", show::describe(&answer))),
        _ => Some(show::describe(&answer)),
    }
}

fn keeps_the_connection_open(target: &Target) -> Outcome {
    let hello = Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML));
    let not_found = Expected::html("HTTP/1.1 404 Not Found", Some(NOT_FOUND_HTML));
    let first = curl_request("/");
    let both = [curl_request("/nothing"), curl_request("/")].concat();
    let sent = format!(
        "on one connection: {}, then, once it is answered, {} in one write",
        show::escape(first.as_bytes()),
        show::escape(both.as_bytes())
    );
    let expected = format!(
        "three answers in turn, none with Connection: close: {}; the same with 404.html; \
         the first again; and the connection still open",
        hello.describe()
    );
    let fault = (|| {
        let mut connection = match client::Connection::open(target.addr) {
            Ok(connection) => connection,
            Err(answer) => return Some(show::describe(&answer)),
        };
        if let Err(e) = connection.send(first.as_bytes()) {
            return Some(format!("sending the first request failed: {e}"));
        }
        if let Some(fault) = fault_in_kept(&mut connection, &hello) {
            return Some(format!("first answer: {fault}"));
        }
        if let Err(e) = connection.send(both.as_bytes()) {
            return Some(format!("sending the next two requests failed: {e}"));
        }
        if let Some(fault) = fault_in_kept(&mut connection, &not_found) {
            return Some(format!("second answer: {fault}"));
        }
        fault_in_kept(&mut connection, &hello).map(|fault| format!("third answer: {fault}"))
    })();
    verdict(
        fault.is_none(),
        Exchange {
            sent,
            expected,
            got: fault.unwrap_or_else(|| "three answers, and the connection open".into()),
        },
    )
}

fn closes_when_asked(target: &Target) -> Outcome {
    let hello = Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML));
    let not_allowed = Expected::html("HTTP/1.1 405 Method Not Allowed", None).with_allow();
    let cases = [
        (closing_request("/"), &hello),
        (b"GET / HTTP/1.0\r\n\r\n".to_vec(), &hello),
        (
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
            &not_allowed,
        ),
    ];
    let sent = cases
        .iter()
        .map(|(request, _)| show::escape(request))
        .collect::<Vec<_>>()
        .join("; ");
    let expected = "for each, its answer (hello.html, hello.html, 405) with Connection: close, \
                    and then the end of the connection"
        .to_string();
    for (request, expected_answer) in &cases {
        let answer = client::exchange(target.addr, request, TIMEOUT);
        let fault = match &answer {
            Answer::Closed(_) => expected_answer.fault_in_answer(&answer),
            Answer::Kept(_) => Some("the connection stayed open".into()),
            _ => Some("no whole answer".into()),
        };
        if let Some(fault) = fault {
            return Outcome::Fail(Exchange {
                sent: show::escape(request),
                expected,
                got: format!("{fault}: {}", show::describe(&answer)),
            });
        }
    }
    Outcome::Pass(Exchange {
        sent,
        expected,
        got: "the same, every time".into(),
    })
}

fn idle_connection_closes(target: &Target) -> Outcome {
    let hello = Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML));
    let (least, most) = (target.idle_time / 2, target.idle_time * 2);
    let sent = format!(
        "{}, then nothing on the same connection",
        shown_request("/")
    );
    let expected = format!(
        "hello.html, then, after {} to {}, the end of the connection without a word",
        secs(least),
        secs(most)
    );
    let got = (|| {
        let mut connection = match client::Connection::open(target.addr) {
            Ok(connection) => connection,
            Err(answer) => return Err(show::describe(&answer)),
        };
        if let Err(e) = connection.send(curl_request("/").as_bytes()) {
            return Err(format!("sending the request failed: {e}"));
        }
        if let Some(fault) = fault_in_kept(&mut connection, &hello) {
            return Err(fault);
        }
        let answered = Instant::now();
        let end = connection.next_answer(most, false);
        let after = answered.elapsed();
        match end {
            Answer::Closed(bytes) | Answer::Reset(bytes) if bytes.is_empty() && after >= least => {
                Ok(format!("the end of the connection after {}", secs(after)))
            }
            Answer::Closed(bytes) | Answer::Reset(bytes) if bytes.is_empty() => Err(format!(
                "the end of the connection already after {}",
                secs(after)
            )),
            other => Err(format!("after {}: {}", secs(after), show::describe(&other))),
        }
    })();
    verdict(
        got.is_ok(),
        Exchange {
            sent,
            expected,
            got: got.unwrap_or_else(|fault| fault),
        },
    )
}

fn hundred_requests_at_most(target: &Target) -> Outcome {
    let hello = Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML));
    let sent = format!(
        "{} on one connection, {BOOK_MAX_REQUESTS} times, each once the one before is answered",
        shown_request("/")
    );
    let expected = format!(
        "hello.html each time; answer {BOOK_MAX_REQUESTS} with Connection: close, and then \
         the end of the connection"
    );
    let got = (|| {
        let mut connection = match client::Connection::open(target.addr) {
            Ok(connection) => connection,
            Err(answer) => return Err(show::describe(&answer)),
        };
        for count in 1..BOOK_MAX_REQUESTS {
            if let Err(e) = connection.send(curl_request("/").as_bytes()) {
                return Err(format!("sending request {count} failed: {e}"));
            }
            if let Some(fault) = fault_in_kept(&mut connection, &hello) {
                return Err(format!("answer {count}: {fault}"));
            }
        }
        if let Err(e) = connection.send(curl_request("/").as_bytes()) {
            return Err(format!("sending request {BOOK_MAX_REQUESTS} failed: {e}"));
        }
        let last = connection.next_answer(TIMEOUT, false);
        match &last {
            Answer::Closed(_) => match hello.fault_in_answer(&last) {
                None => Ok("the same".into()),
                Some(fault) => Err(format!("answer {BOOK_MAX_REQUESTS}: {fault}")),
            },
            other => Err(format!(
                "answer {BOOK_MAX_REQUESTS}: {}",
                show::describe(other)
            )),
        }
    })();
    verdict(
        got.is_ok(),
        Exchange {
            sent,
            expected,
            got: got.unwrap_or_else(|fault| fault),
        },
    )
}

/// How many open, silent connections [`IDLE_CONNECTIONS_COST_NO_WORKER`]
/// keeps: many more than a pool has workers and places in its queue.
const IDLE_CONNECTIONS: usize = 50;

fn idle_connections_cost_no_worker(target: &Target) -> Outcome {
    open_and_silent(target, IDLE_CONNECTIONS, false)
}

/// How many open, silent connections [`MANY_OPEN_CONNECTIONS`] keeps: many
/// more than chapter 21's reader holds (256), and few enough for the
/// check's own limit of open files (often 1,024).
const MANY_CONNECTIONS: usize = 500;

fn many_open_connections(target: &Target) -> Outcome {
    open_and_silent(target, MANY_CONNECTIONS, true)
}

fn hang_up_drops_the_work(target: &Target) -> Outcome {
    let sent = format!(
        "{WORKERS_AND_QUEUE} connections at once, each {}; a fifth of a sleep later, each \
         reset; then curl's request for /sleep, four times at once, each on its own \
         connection",
        shown_request("/sleep")
    );
    let most = target.sleep * 3 / 2;
    let expected = format!(
        "hello.html for all four, within {} (one and a half sleeps of {})",
        secs(most),
        secs(target.sleep)
    );
    let fail = |got: String| {
        Outcome::Fail(Exchange {
            sent: sent.clone(),
            expected: expected.clone(),
            got,
        })
    };
    let mut leaving = Vec::new();
    for _ in 0..WORKERS_AND_QUEUE {
        match client::Connection::open(target.addr) {
            Ok(mut connection) => match connection.send(curl_request("/sleep").as_bytes()) {
                Ok(()) => leaving.push(connection),
                Err(e) => return fail(format!("sending a request failed: {e}")),
            },
            Err(answer) => return fail(show::describe(&answer)),
        }
    }
    // Time for the server to read the heads and start the work.
    thread::sleep(target.sleep / 5);
    for connection in leaving {
        if let Err(e) = connection.reset() {
            return fail(format!("resetting a connection failed: {e}"));
        }
    }
    let (took, wrong) = side_by_side(target, 4, most);
    let got = match wrong {
        Some(wrong) => format!("one answer was not hello.html: {wrong}"),
        None if took.len() == 4 => format!("all four, after {}", times(&took)),
        None => format!("only {} of four answered within {}", took.len(), secs(most)),
    };
    verdict(
        took.len() == 4,
        Exchange {
            sent,
            expected,
            got,
        },
    )
}

/// `connections` connections, opened one after another, each with a
/// request for `/` whose answer must come within half the idle time and
/// keep the connection open. If `ask_first_again`, the first one is asked
/// again at the end, to be sure that they were all open at once.
fn open_and_silent(target: &Target, connections: usize, ask_first_again: bool) -> Outcome {
    let hello = Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML));
    let most = target.idle_time / 2;
    let then = if ask_first_again {
        "; then the same request on the first one again"
    } else {
        ""
    };
    let sent = format!(
        "{connections} connections, one after another, each {}, and then silent, open{then}",
        shown_request("/")
    );
    let expected = format!("hello.html on each, each within {}", secs(most));
    let began = Instant::now();
    let mut open = Vec::new();
    for count in 1..=connections {
        let started = Instant::now();
        let fault = match client::Connection::open(target.addr) {
            Err(answer) => Some(show::describe(&answer)),
            Ok(mut connection) => match connection.send(curl_request("/").as_bytes()) {
                Err(e) => Some(format!("sending the request failed: {e}")),
                Ok(()) => {
                    let answer = connection.next_answer(most, false);
                    let fault = match &answer {
                        Answer::Kept(_) => hello.fault_in_answer(&answer),
                        other => Some(show::describe(other)),
                    };
                    open.push(connection);
                    fault
                }
            },
        };
        if let Some(fault) = fault {
            return Outcome::Fail(Exchange {
                sent,
                expected,
                got: format!(
                    "connection {count}, while {} silent ones were open, after {}: {fault}",
                    count - 1,
                    secs(started.elapsed())
                ),
            });
        }
    }
    if !ask_first_again {
        return Outcome::Pass(Exchange {
            sent,
            expected,
            got: "the same".into(),
        });
    }
    // All of them were open at once only if the first one still is: the
    // server may close it once it has been idle for the idle time.
    let took = began.elapsed();
    let again = match open
        .first_mut()
        .map(|first| (first.send(curl_request("/").as_bytes()), first))
    {
        Some((Ok(()), first)) => match first.next_answer(most, false) {
            answer @ Answer::Kept(_) => hello.fault_in_answer(&answer),
            other => Some(show::describe(&other)),
        },
        _ => Some("sending the request failed".to_string()),
    };
    if let Some(fault) = again {
        let why = if took >= target.idle_time {
            format!(
                " (opening them took {}, longer than the idle time: the server may close \
                 the first one for that)",
                secs(took)
            )
        } else {
            String::new()
        };
        return Outcome::Fail(Exchange {
            sent,
            expected,
            got: format!("the first connection, asked again at the end: {fault}{why}"),
        });
    }
    Outcome::Pass(Exchange {
        sent,
        expected,
        got: "the same".into(),
    })
}

// ANCHOR: many_bodies
fn body_while_the_closer_is_full(target: &Target) -> Outcome {
    let length = 16 * 1024 * 1024;
    let head = format!("PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n\r\n");
    let sent = format!(
        "curl's request for / with `Connection: close` on {CLOSING} connections at once, each \
         kept open once its answer (a page, or a 503) is in; then {}, then {length} bytes of \
         body, four times",
        show::escape(head.as_bytes())
    );
    let expected = Expected::html("HTTP/1.1 405 Method Not Allowed", None).with_allow();
    let fault = (|| {
        // Clients that read their answer and stay connected: the closer
        // holds each for a second. All of them connect first, then all
        // send, so that their answers reach the closer within moments,
        // however busy the machine.
        let mut holding = Vec::new();
        for number in 1..=CLOSING {
            match client::Connection::open(target.addr) {
                Ok(connection) => holding.push(connection),
                Err(answer) => {
                    return Some(format!("connection {number}: {}", show::describe(&answer)));
                }
            }
        }
        for (number, connection) in (1..).zip(&mut holding) {
            if let Err(e) = connection.send(&closing_request("/")) {
                return Some(format!("connection {number}: sending failed: {e}"));
            }
        }
        for (number, connection) in (1..).zip(&mut holding) {
            let answer = connection.next_answer(TIMEOUT, false);
            if answer.complete().is_none() {
                return Some(format!("connection {number}: {}", show::describe(&answer)));
            }
        }
        // A body of 16 MiB, more than the system buffers: the server
        // answers 405 while the client is still sending it.
        let mut put = head.clone().into_bytes();
        put.resize(put.len() + length, b'x');
        (1..=4).find_map(|number| {
            let answer = client::exchange(target.addr, &put, TIMEOUT);
            expected
                .fault_in_answer(&answer)
                .map(|fault| format!("PUT {number}: {fault}"))
        })
    })();
    verdict(
        fault.is_none(),
        Exchange {
            sent,
            expected: format!("{} each time", expected.describe()),
            got: fault.unwrap_or_else(|| "four whole answers".into()),
        },
    )
}
// ANCHOR_END: many_bodies

// ANCHOR: full_for_a_moment
fn full_for_a_moment(target: &Target) -> Outcome {
    let clients = 2 * WORKERS_AND_QUEUE;
    let sent = format!(
        "curl's request for / on {clients} connections at once, fifty times on each, each \
         once the answer to the one before is in"
    );
    let start = Arc::new(Barrier::new(clients));
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, start) = (target.addr, Arc::clone(&start));
            thread::spawn(move || ask_again_and_again(addr, 50, &start))
        })
        .collect();
    let missed: Vec<(usize, String)> = threads
        .into_iter()
        .filter_map(|thread| thread.join().unwrap())
        .collect();
    let pages_missed: usize = missed.iter().map(|(count, _)| count).sum();
    verdict(
        missed.is_empty(),
        Exchange {
            sent,
            expected: format!("hello.html {} times", clients * 50),
            got: match missed.first() {
                None => "every page".into(),
                Some((_, first)) => format!(
                    "{pages_missed} of {} requests got no page; the first: {first}",
                    clients * 50
                ),
            },
        },
    )
}

/// Sends `count` requests for `/` on one connection, each once the answer
/// to the one before is in. Says how many got no page, and what came
/// instead, if any did: after a `503`, which closes the connection, none
/// of the rest is sent.
fn ask_again_and_again(addr: SocketAddr, count: usize, start: &Barrier) -> Option<(usize, String)> {
    let hello = Expected::html("HTTP/1.1 200 OK", Some(HELLO_HTML));
    let mut connection = match client::Connection::open(addr) {
        Ok(connection) => connection,
        Err(answer) => return Some((count, show::describe(&answer))),
    };
    start.wait();
    for i in 0..count {
        if let Err(e) = connection.send(curl_request("/").as_bytes()) {
            return Some((count - i, format!("sending failed: {e}")));
        }
        if let Some(fault) = fault_in_kept(&mut connection, &hello) {
            return Some((count - i, fault));
        }
    }
    None
}
// ANCHOR_END: full_for_a_moment
