// HTTP client and response checks shared by the generated tests (Node >= 20: global fetch, node:test).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export const baseUrl = (process.env.CHAOS_BASE_URL || @@BASE_URL@@).replace(/\/+$/, '');

const run = randomBytes(4).toString('hex').slice(0, 6);
let counter = 0;
const FORMATS = {
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
};

/** A value derived from a recorded one, different on every call and every run (for unique fields). */
export function unique(recorded) {
  counter += 1;
  let suffix = run + counter;
  if (recorded.toUpperCase() === recorded && recorded.toLowerCase() !== recorded) {
    suffix = suffix.toUpperCase();
  }
  const at = recorded.indexOf('@');
  if (at > 0) {
    return recorded.slice(0, at) + '-' + suffix + recorded.slice(at);
  }
  return recorded + '-' + suffix;
}

/** A required environment variable (secrets are never written into the tests). */
export function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error('set the environment variable ' + name + ' (see README.md)');
  }
  return value;
}

/** The text form of a JSON value, as it appears in a path or a header. */
export function text(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const where = (path) => '$' + path.map((p) => '.' + p).join('');

/** Sends one request; the reply's checks name the endpoint in their messages. */
export async function call(endpoint, method, path, { headers = {}, json, data, timeout = 30 } = {}) {
  const init = { method, headers, redirect: 'manual', signal: AbortSignal.timeout(timeout * 1000) };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
  } else if (data !== undefined) {
    init.body = data;
  }
  const response = await fetch(baseUrl + path, init);
  return new Reply(endpoint, response, await response.text());
}

export class Reply {
  constructor(endpoint, response, body) {
    this.endpoint = endpoint;
    this.response = response;
    this.body = body;
  }

  json() {
    if (this.parsed === undefined) {
      try {
        this.parsed = JSON.parse(this.body);
      } catch {
        assert.fail(this.endpoint + ': the body is not JSON: ' + this.body.slice(0, 300));
      }
    }
    return this.parsed;
  }

  expect(status, mediaType) {
    assert.equal(this.response.status, status,
      this.endpoint + ': expected status ' + status + ' but was ' + this.response.status + '; body: ' + this.body.slice(0, 300));
    if (mediaType !== undefined) {
      const contentType = this.response.headers.get('content-type') || '';
      assert.equal(contentType.split(';')[0].trim().toLowerCase(), mediaType,
        this.endpoint + ': expected content type ' + mediaType + ' but was ' + JSON.stringify(contentType));
    }
    return this;
  }

  value(path) {
    let node = this.json();
    path.forEach((member, i) => {
      assert.ok(node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, member),
        this.endpoint + ': body ' + where(path.slice(0, i + 1)) + ' is missing; body: ' + this.body.slice(0, 300));
      node = node[member];
    });
    return node;
  }

  header(name) {
    const value = this.response.headers.get(name);
    assert.ok(value !== null, this.endpoint + ': header ' + name + ' is missing');
    return value;
  }

  hasType(path, ...types) {
    const actual = typeOf(this.value(path));
    assert.ok(types.includes(actual) || (actual === 'integer' && types.includes('number')),
      this.endpoint + ': body ' + where(path) + ' should be ' + types.join('|') + ' but was ' + actual);
    return this;
  }

  equals(path, expected) {
    assert.deepEqual(this.value(path), expected, this.endpoint + ': body ' + where(path) + ' should be '
      + JSON.stringify(expected) + ' but was ' + JSON.stringify(this.value(path)));
    return this;
  }

  equalsText(path, expected) {
    const actual = text(this.value(path));
    assert.equal(actual, expected, this.endpoint + ': body ' + where(path) + ' should be ' + JSON.stringify(expected)
      + ' but was ' + JSON.stringify(actual));
    return this;
  }

  oneOf(path, values) {
    const actual = this.value(path);
    assert.ok(values.some((v) => JSON.stringify(v) === JSON.stringify(actual)), this.endpoint + ': body ' + where(path)
      + ' should be one of ' + JSON.stringify(values) + ' but was ' + JSON.stringify(actual));
    return this;
  }

  hasFormat(path, format) {
    const actual = this.value(path);
    if (typeof actual === 'string') {
      assert.match(actual, FORMATS[format], this.endpoint + ': body ' + where(path) + ' should be a ' + format
        + ' but was ' + JSON.stringify(actual));
    }
    return this;
  }
}
