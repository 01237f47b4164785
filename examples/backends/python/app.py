"""Inventory service: a small Flask API over PostgreSQL (psycopg 3), served by waitress in one process.

Endpoints: GET /health, POST /login, GET|POST /products, GET|PUT|DELETE /products/<id>.
Products have serial integer ids, a unique ``sku``, a ``name``, ``price_cents``, ``quantity`` and RFC 3339
``created_at`` / ``updated_at`` timestamps. Users and sessions live in the database too.

Environment: PORT (listens on 127.0.0.1 only), DATABASE_URL, APP_USERNAME / APP_PASSWORD (the user created at start,
default admin / admin-password) and the bug switch BUG=wrong_field|wrong_status|lost_write (off when unset).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sys
from datetime import datetime, timezone

import psycopg
from flask import Flask, g, jsonify, request
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from werkzeug.exceptions import HTTPException

BUGS = {"wrong_field", "wrong_status", "lost_write"}
BUG = os.environ.get("BUG", "").strip()
if BUG in ("", "none"):
    BUG = ""
elif BUG not in BUGS:
    sys.exit(f"unknown BUG={BUG} (expected wrong_field, wrong_status or lost_write)")

SESSION_SECONDS = 3600
SKU = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id            serial PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sessions (
    token      text PRIMARY KEY,
    user_id    integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    id          serial PRIMARY KEY,
    sku         text NOT NULL UNIQUE,
    name        text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    quantity    integer NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
"""


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100_000)
    return f"pbkdf2_sha256${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, _ = stored.split("$")
    except ValueError:
        return False
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt)), stored)


def rfc3339(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def create_app() -> Flask:
    app = Flask(__name__)
    dsn = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    # check_connection: a connection the server closed (restart, pg_terminate_backend) is replaced, not used.
    pool = ConnectionPool(
        dsn,
        min_size=1,
        max_size=4,
        kwargs={"row_factory": dict_row},
        check=ConnectionPool.check_connection,
        open=True,
    )
    pool.wait(timeout=30)
    with pool.connection() as conn:
        conn.execute(SCHEMA)
        conn.execute(
            "INSERT INTO users (username, password_hash) VALUES (%s, %s) ON CONFLICT (username) DO NOTHING",
            (
                os.environ.get("APP_USERNAME", "admin"),
                hash_password(os.environ.get("APP_PASSWORD", "admin-password")),
            ),
        )

    @app.errorhandler(ApiError)
    def api_error(e: ApiError):
        body = {"error": e.code, "message": e.message}
        if e.details:
            body["details"] = e.details
        return jsonify(body), e.status

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return jsonify({"error": e.name.lower().replace(" ", "_"), "message": e.description}), e.code

    def json_body() -> dict:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "invalid_json", "the body must be a JSON object")
        return data

    def authenticate() -> int:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.startswith("Bearer ") else ""
        if not token:
            raise ApiError(401, "unauthorized", "a valid Bearer token is required")
        with pool.connection() as conn:
            row = conn.execute(
                "SELECT user_id FROM sessions WHERE token = %s AND expires_at > now()", (token,)
            ).fetchone()
        if row is None:
            raise ApiError(401, "unauthorized", "a valid Bearer token is required")
        g.user_id = row["user_id"]
        return row["user_id"]

    def render(row: dict, single: bool = False) -> dict:
        out = {
            "id": row["id"],
            "sku": row["sku"],
            "name": row["name"],
            ("price" if single and BUG == "wrong_field" else "price_cents"): row["price_cents"],
            "quantity": row["quantity"],
            "created_at": rfc3339(row["created_at"]),
            "updated_at": rfc3339(row["updated_at"]),
        }
        return out

    def validate(data: dict, partial: bool) -> dict:
        errors: dict[str, str] = {}
        values: dict = {}
        if "sku" in data or not partial:
            sku = data.get("sku")
            if not isinstance(sku, str) or not SKU.match(sku):
                errors["sku"] = "required: 2-32 characters of A-Z, 0-9 and -, starting with a letter or digit"
            else:
                values["sku"] = sku
        if "name" in data or not partial:
            name = data.get("name")
            if not isinstance(name, str) or not name.strip() or len(name) > 200:
                errors["name"] = "required: a non-empty string of at most 200 characters"
            else:
                values["name"] = name
        if "price_cents" in data or not partial:
            price = data.get("price_cents")
            if not isinstance(price, int) or isinstance(price, bool) or price < 0:
                errors["price_cents"] = "required: an integer >= 0"
            else:
                values["price_cents"] = price
        if "quantity" in data:
            quantity = data.get("quantity")
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                errors["quantity"] = "an integer >= 0"
            else:
                values["quantity"] = quantity
        if errors:
            raise ApiError(422, "validation_failed", "the request body is not valid", errors)
        if partial and not values:
            raise ApiError(422, "validation_failed", "nothing to update", {"body": "give at least one field"})
        return values

    def conflict(values: dict) -> ApiError:
        return ApiError(409, "conflict", f"a product with sku {values.get('sku')} already exists")

    @app.get("/health")
    def health():
        with pool.connection() as conn:
            conn.execute("SELECT 1").fetchone()
        return jsonify({"status": "ok"})

    @app.post("/login")
    def login():
        data = json_body()
        username, password = data.get("username"), data.get("password")
        errors = {}
        if not isinstance(username, str) or not username:
            errors["username"] = "required"
        if not isinstance(password, str) or not password:
            errors["password"] = "required"
        if errors:
            raise ApiError(422, "validation_failed", "the request body is not valid", errors)
        with pool.connection() as conn:
            user = conn.execute(
                "SELECT id, password_hash FROM users WHERE username = %s", (username,)
            ).fetchone()
            if user is None or not check_password(password, user["password_hash"]):
                raise ApiError(401, "invalid_credentials", "wrong username or password")
            token = secrets.token_hex(16)
            conn.execute(
                "INSERT INTO sessions (token, user_id, expires_at) "
                "VALUES (%s, %s, now() + make_interval(secs => %s))",
                (token, user["id"], SESSION_SECONDS),
            )
        return jsonify({"token": token, "token_type": "Bearer", "expires_in": SESSION_SECONDS})

    @app.get("/products")
    def list_products():
        authenticate()
        limit = request.args.get("limit", default=100, type=int)
        offset = request.args.get("offset", default=0, type=int)
        if limit is None or not 1 <= limit <= 1000 or offset is None or offset < 0:
            raise ApiError(422, "validation_failed", "limit must be 1-1000 and offset >= 0")
        with pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM products ORDER BY id LIMIT %s OFFSET %s", (limit, offset)
            ).fetchall()
            total = conn.execute("SELECT count(*) AS n FROM products").fetchone()["n"]
        return jsonify({"items": [render(r) for r in rows], "total": total, "limit": limit, "offset": offset})

    @app.post("/products")
    def create_product():
        authenticate()
        values = validate(json_body(), partial=False)
        values.setdefault("quantity", 0)
        try:
            with pool.connection() as conn:
                row = conn.execute(
                    "INSERT INTO products (sku, name, price_cents, quantity) "
                    "VALUES (%(sku)s, %(name)s, %(price_cents)s, %(quantity)s) RETURNING *",
                    values,
                ).fetchone()
        except psycopg.errors.UniqueViolation:
            raise conflict(values) from None
        status = 200 if BUG == "wrong_status" else 201
        return jsonify(render(row)), status, {"Location": f"/products/{row['id']}"}

    @app.get("/products/<int:product_id>")
    def get_product(product_id: int):
        authenticate()
        with pool.connection() as conn:
            row = conn.execute("SELECT * FROM products WHERE id = %s", (product_id,)).fetchone()
        if row is None:
            raise ApiError(404, "not_found", f"product {product_id} does not exist")
        return jsonify(render(row, single=True))

    @app.put("/products/<int:product_id>")
    def update_product(product_id: int):
        authenticate()
        values = validate(json_body(), partial=True)
        assignments = ", ".join(f"{column} = %({column})s" for column in values)
        try:
            with pool.connection() as conn:
                row = conn.execute(
                    f"UPDATE products SET {assignments}, updated_at = now() WHERE id = %(id)s RETURNING *",
                    {**values, "id": product_id},
                ).fetchone()
                if BUG == "lost_write":
                    conn.rollback()
        except psycopg.errors.UniqueViolation:
            raise conflict(values) from None
        if row is None:
            raise ApiError(404, "not_found", f"product {product_id} does not exist")
        return jsonify(render(row))

    @app.delete("/products/<int:product_id>")
    def delete_product(product_id: int):
        authenticate()
        with pool.connection() as conn:
            row = conn.execute("DELETE FROM products WHERE id = %s RETURNING id", (product_id,)).fetchone()
        if row is None:
            raise ApiError(404, "not_found", f"product {product_id} does not exist")
        return "", 204

    return app


if __name__ == "__main__":
    from waitress import serve

    port = int(os.environ.get("PORT", "8080"))
    application = create_app()
    print(f"inventory-service listening on 127.0.0.1:{port} (bug: {BUG or 'none'})", flush=True)
    serve(application, host="127.0.0.1", port=port, threads=4, ident="inventory-service")
