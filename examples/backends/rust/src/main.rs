//! Notes service: a small JSON API on axum and tokio that keeps its data in Redis.
//!
//! Endpoints: `GET /health`, `POST /login`, `GET|POST /notes`, `GET|PUT|DELETE /notes/{id}`.
//! Notes have serial integer ids (`INCR notes:seq`), a unique `slug` (`HSETNX notes:slugs`), a `title`, a `body`
//! and RFC 3339 `created_at` / `updated_at` timestamps. Sessions are random 32-hex tokens kept in Redis with a TTL.
//!
//! Environment: `PORT` (listens on 127.0.0.1 only), `REDIS_URL` (default `redis://127.0.0.1:6379/0`),
//! `APP_USERNAME` / `APP_PASSWORD` (default `admin` / `admin-password`) and the bug switch
//! `BUG=wrong_field|wrong_status|lost_write` (off when unset).

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use serde_json::{json, Map, Value};

const SESSION_TTL_SECONDS: u64 = 3600;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Bug {
    None,
    WrongField,
    WrongStatus,
    LostWrite,
}

struct App {
    redis: ConnectionManager,
    username: String,
    password: String,
    bug: Bug,
}

type Shared = Arc<App>;

/// An error response: a status and a JSON body `{"error": code, "message": text}`.
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Option<Vec<String>>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), details: None }
    }
    fn validation(details: Vec<String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message: "the request body is not valid".into(),
            details: Some(details),
        }
    }
    fn not_found(id: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("note {id} does not exist"))
    }
}

impl From<redis::RedisError> for ApiError {
    fn from(e: redis::RedisError) -> Self {
        eprintln!("redis error: {e}");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable", "the store did not answer")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.code, "message": self.message});
        if let Some(details) = self.details {
            body["details"] = json!(details);
        }
        (self.status, Json(body)).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

#[tokio::main]
async fn main() {
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let redis_url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
    let bug = match std::env::var("BUG").unwrap_or_default().as_str() {
        "" | "none" => Bug::None,
        "wrong_field" => Bug::WrongField,
        "wrong_status" => Bug::WrongStatus,
        "lost_write" => Bug::LostWrite,
        other => {
            eprintln!("unknown BUG={other} (expected wrong_field, wrong_status or lost_write)");
            std::process::exit(2);
        }
    };
    let client = redis::Client::open(redis_url.as_str()).unwrap_or_else(|e| {
        eprintln!("bad REDIS_URL: {e}");
        std::process::exit(2);
    });
    let redis = redis::aio::ConnectionManager::new(client).await.unwrap_or_else(|e| {
        eprintln!("cannot connect to Redis: {e}");
        std::process::exit(1);
    });
    let app = Arc::new(App {
        redis,
        username: std::env::var("APP_USERNAME").unwrap_or_else(|_| "admin".into()),
        password: std::env::var("APP_PASSWORD").unwrap_or_else(|_| "admin-password".into()),
        bug,
    });
    let router = Router::new()
        .route("/health", get(health))
        .route("/login", post(login))
        .route("/notes", get(list_notes).post(create_note))
        .route("/notes/{id}", get(get_note).put(update_note).delete(delete_note))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap_or_else(|e| {
        eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
        std::process::exit(1);
    });
    println!("notes-service listening on 127.0.0.1:{} (bug: {})", listener.local_addr().unwrap().port(), std::env::var("BUG").ok().filter(|b| !b.is_empty()).unwrap_or_else(|| "none".into()));
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .expect("server failed");
}

async fn health(State(app): State<Shared>) -> ApiResult {
    let mut con = app.redis.clone();
    let pong: String = redis::cmd("PING").query_async(&mut con).await?;
    Ok(Json(json!({"status": "ok", "redis": pong})).into_response())
}

async fn login(State(app): State<Shared>, body: Bytes) -> ApiResult {
    let input = parse_object(&body)?;
    let mut problems = Vec::new();
    let username = required_string(&input, "username", 1, 100, &mut problems);
    let password = required_string(&input, "password", 1, 200, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let (username, password) = (username.unwrap(), password.unwrap());
    if !constant_time_eq(username.as_bytes(), app.username.as_bytes())
        || !constant_time_eq(password.as_bytes(), app.password.as_bytes())
    {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong username or password"));
    }
    let token = random_hex(16);
    let mut con = app.redis.clone();
    let _: () = con.set_ex(format!("session:{token}"), &username, SESSION_TTL_SECONDS).await?;
    Ok(Json(json!({"token": token, "token_type": "Bearer", "expires_in": SESSION_TTL_SECONDS})).into_response())
}

async fn list_notes(State(app): State<Shared>, headers: HeaderMap) -> ApiResult {
    authenticate(&app, &headers).await?;
    let mut con = app.redis.clone();
    let ids: Vec<String> = con.zrange("notes:ids", 0, -1).await?;
    let mut notes = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(note) = load(&mut con, &id).await? {
            notes.push(render(&note, false, app.bug));
        }
    }
    Ok(Json(Value::Array(notes)).into_response())
}

async fn create_note(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> ApiResult {
    authenticate(&app, &headers).await?;
    let input = parse_object(&body)?;
    let mut problems = Vec::new();
    let slug = required_string(&input, "slug", 1, 64, &mut problems);
    let title = required_string(&input, "title", 1, 200, &mut problems);
    let text = optional_string(&input, "body", 10_000, &mut problems).unwrap_or_default();
    if let Some(slug) = &slug {
        check_slug(slug, &mut problems);
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let (slug, title) = (slug.unwrap(), title.unwrap());
    let mut con = app.redis.clone();
    let id: i64 = con.incr("notes:seq", 1).await?;
    let claimed: bool = con.hset_nx("notes:slugs", &slug, id).await?;
    if !claimed {
        return Err(ApiError::new(StatusCode::CONFLICT, "conflict", format!("a note with slug {slug} already exists")));
    }
    let now = now_rfc3339();
    let note: HashMap<String, String> = HashMap::from([
        ("id".into(), id.to_string()),
        ("slug".into(), slug),
        ("title".into(), title),
        ("body".into(), text),
        ("created_at".into(), now.clone()),
        ("updated_at".into(), now),
    ]);
    let fields: Vec<(&String, &String)> = note.iter().collect();
    let _: () = redis::pipe()
        .atomic()
        .hset_multiple(format!("note:{id}"), &fields)
        .ignore()
        .zadd("notes:ids", id, id)
        .ignore()
        .query_async(&mut con)
        .await?;
    let status = if app.bug == Bug::WrongStatus { StatusCode::OK } else { StatusCode::CREATED };
    let mut response = (status, Json(render(&note, false, app.bug))).into_response();
    response.headers_mut().insert("location", format!("/notes/{id}").parse().unwrap());
    Ok(response)
}

async fn get_note(State(app): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult {
    authenticate(&app, &headers).await?;
    let id = parse_id(&id)?;
    let mut con = app.redis.clone();
    let note = load(&mut con, &id).await?.ok_or_else(|| ApiError::not_found(&id))?;
    Ok(Json(render(&note, true, app.bug)).into_response())
}

async fn update_note(State(app): State<Shared>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> ApiResult {
    authenticate(&app, &headers).await?;
    let id = parse_id(&id)?;
    let input = parse_object(&body)?;
    let mut problems = Vec::new();
    let title = required_string(&input, "title", 1, 200, &mut problems);
    let text = optional_string(&input, "body", 10_000, &mut problems);
    let slug = optional_string(&input, "slug", 64, &mut problems);
    if let Some(slug) = &slug {
        check_slug(slug, &mut problems);
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let mut con = app.redis.clone();
    let mut note = load(&mut con, &id).await?.ok_or_else(|| ApiError::not_found(&id))?;
    let old_slug = note["slug"].clone();
    if let Some(slug) = &slug {
        if *slug != old_slug && app.bug != Bug::LostWrite {
            let claimed: bool = con.hset_nx("notes:slugs", slug, &id).await?;
            if !claimed {
                return Err(ApiError::new(StatusCode::CONFLICT, "conflict", format!("a note with slug {slug} already exists")));
            }
            let _: () = con.hdel("notes:slugs", &old_slug).await?;
        }
        note.insert("slug".into(), slug.clone());
    }
    note.insert("title".into(), title.unwrap());
    if let Some(text) = text {
        note.insert("body".into(), text);
    }
    note.insert("updated_at".into(), now_rfc3339());
    if app.bug != Bug::LostWrite {
        let fields: Vec<(&String, &String)> = note.iter().collect();
        let _: () = con.hset_multiple(format!("note:{id}"), &fields).await?;
    }
    Ok(Json(render(&note, false, app.bug)).into_response())
}

async fn delete_note(State(app): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult {
    authenticate(&app, &headers).await?;
    let id = parse_id(&id)?;
    let mut con = app.redis.clone();
    let note = load(&mut con, &id).await?.ok_or_else(|| ApiError::not_found(&id))?;
    let _: () = redis::pipe()
        .atomic()
        .del(format!("note:{id}"))
        .ignore()
        .zrem("notes:ids", &id)
        .ignore()
        .hdel("notes:slugs", &note["slug"])
        .ignore()
        .query_async(&mut con)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn authenticate(app: &App, headers: &HeaderMap) -> Result<String, ApiError> {
    let unauthorized = || ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid Bearer token is required");
    let header = headers.get("authorization").and_then(|v| v.to_str().ok()).ok_or_else(unauthorized)?;
    let token = header.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty()).ok_or_else(unauthorized)?;
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(unauthorized());
    }
    let mut con = app.redis.clone();
    let user: Option<String> = con.get(format!("session:{token}")).await?;
    user.ok_or_else(unauthorized)
}

async fn load(con: &mut ConnectionManager, id: &str) -> Result<Option<HashMap<String, String>>, ApiError> {
    let note: HashMap<String, String> = con.hgetall(format!("note:{id}")).await?;
    Ok(if note.is_empty() { None } else { Some(note) })
}

/// The JSON of a note; with the `wrong_field` bug a single note (GET /notes/{id}) names `title` `name`.
fn render(note: &HashMap<String, String>, single: bool, bug: Bug) -> Value {
    let field = |name: &str| note.get(name).cloned().unwrap_or_default();
    let title_key = if single && bug == Bug::WrongField { "name" } else { "title" };
    let mut out = Map::new();
    out.insert("id".into(), json!(field("id").parse::<i64>().unwrap_or(0)));
    out.insert("slug".into(), json!(field("slug")));
    out.insert(title_key.into(), json!(field("title")));
    out.insert("body".into(), json!(field("body")));
    out.insert("created_at".into(), json!(field("created_at")));
    out.insert("updated_at".into(), json!(field("updated_at")));
    Value::Object(out)
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", "the body must be a JSON object")),
        Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("the body is not JSON: {e}"))),
    }
}

fn parse_id(id: &str) -> Result<String, ApiError> {
    match id.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n.to_string()),
        _ => Err(ApiError::not_found(id)),
    }
}

fn required_string(input: &Map<String, Value>, name: &str, min: usize, max: usize, problems: &mut Vec<String>) -> Option<String> {
    match input.get(name) {
        None | Some(Value::Null) => {
            problems.push(format!("{name} is required"));
            None
        }
        Some(Value::String(s)) => {
            let n = s.trim().chars().count();
            if n < min || s.chars().count() > max {
                problems.push(format!("{name} must be {min} to {max} characters"));
                None
            } else {
                Some(s.clone())
            }
        }
        Some(_) => {
            problems.push(format!("{name} must be a string"));
            None
        }
    }
}

fn optional_string(input: &Map<String, Value>, name: &str, max: usize, problems: &mut Vec<String>) -> Option<String> {
    match input.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= max => Some(s.clone()),
        Some(Value::String(_)) => {
            problems.push(format!("{name} must be at most {max} characters"));
            None
        }
        Some(_) => {
            problems.push(format!("{name} must be a string"));
            None
        }
    }
}

fn check_slug(slug: &str, problems: &mut Vec<String>) {
    if slug.is_empty() || !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        problems.push("slug must contain only a-z, 0-9 and -".into());
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("cannot read /dev/urandom");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The current UTC time as RFC 3339 with milliseconds, e.g. `2026-11-24T06:15:00.123Z`.
fn now_rfc3339() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock before 1970");
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn slug_rules() {
        let mut p = Vec::new();
        super::check_slug("good-slug-1", &mut p);
        assert!(p.is_empty());
        super::check_slug("Bad Slug", &mut p);
        assert_eq!(p.len(), 1);
    }
}
