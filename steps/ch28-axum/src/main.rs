//! Chapter 28: Part III's web server on axum, a framework on hyper and
//! Tokio, in a few dozen lines. `check ch27` shows which of Part III's
//! lessons the framework takes care of, and which it leaves to us.

// ANCHOR: all
use std::time::{Duration, Instant};

use axum::error_handling::HandleErrorLayer;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Router, ServiceExt};
use tokio::signal::unix::{SignalKind, signal};
use tower::{BoxError, ServiceBuilder};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::ServeDir;

/// How many requests are worked on at once, and how many more may wait.
const WORKERS: usize = 4;
const QUEUE: usize = 16;
/// How long a request for `/sleep` takes.
const SLEEP: Duration = Duration::from_secs(5);

// ANCHOR: main
#[tokio::main]
async fn main() -> std::io::Result<()> {
    // Read once, and kept for the whole run: every handler may use it.
    let hello: &'static str = std::fs::read_to_string("hello.html")?.leak();
    let app = Router::new()
        .route("/", get(move || async move { Html(hello) }))
        .route(
            "/sleep",
            get(move || async move {
                tokio::time::sleep(SLEEP).await;
                Html(hello)
            }),
        )
        .route("/panic", get(panics))
        .fallback_service(ServeDir::new("pages"))
        .layer(CatchPanicLayer::new());
    // Around the whole router, not each route: one limit for all requests.
    let server = ServiceBuilder::new()
        .layer(middleware::from_fn(log))
        .layer(HandleErrorLayer::new(busy))
        .load_shed()
        .buffer(QUEUE)
        .concurrency_limit(WORKERS)
        .service(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:7878").await?;
    println!("Listening on http://{}", listener.local_addr()?);
    axum::serve(listener, server.into_make_service())
        .with_graceful_shutdown(stop())
        .await?;
    println!("Goodbye.");
    Ok(())
}
// ANCHOR_END: main

/// Waits for SIGINT (Ctrl-C) or SIGTERM.
async fn stop() {
    let mut terminate = signal(SignalKind::terminate()).expect("cannot listen for SIGTERM");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    println!("Stopping: finishing the requests in progress.");
}

/// Stands in for a bug: a handler that panics.
async fn panics() -> StatusCode {
    panic!("a bug, on purpose: /panic always panics")
}

// ANCHOR: busy
/// The answer when the queue is full: `503`, and when to come back.
async fn busy(_: BoxError) -> Response {
    let retry = [(header::RETRY_AFTER, "1")];
    (StatusCode::SERVICE_UNAVAILABLE, retry, "Busy, try again\n").into_response()
}
// ANCHOR_END: busy

// ANCHOR: log
/// A line for each answer, as chapter 20's: `GET /sleep 200 5003ms tokio`.
async fn log(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let since = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let took = since.elapsed().as_millis();
    println!("{method} {path} {status} {took}ms tokio");
    response
}
// ANCHOR_END: log
// ANCHOR_END: all
