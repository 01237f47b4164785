// Chaos through the control API: a transparent interceptor on a dependency's port, faults, graceful answers.
import assert from 'node:assert/strict';

export const controlUrl = (process.env.CHAOS_CONTROL_URL || 'http://127.0.0.1:7070').replace(/\/+$/, '');

async function control(method, path, body) {
  const headers = {};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (process.env.CHAOS_TOKEN) {
    headers.Authorization = 'Bearer ' + process.env.CHAOS_TOKEN;
  }
  const response = await fetch(controlUrl + path, {
    method, headers, body, signal: AbortSignal.timeout(30000),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, parsed, text };
}

function errorOf({ parsed, text }) {
  if (parsed && typeof parsed.error === 'string') {
    return parsed.error;
  }
  return text.trim().split('\n')[0] || 'no message';
}

class StartOver extends Error {}

/** A transparent interceptor on a dependency's port; every fault injected through it is removed on close. */
export class Dependency {
  constructor(label, port, id) {
    this.label = label;
    this.port = port;
    this.id = id;
    this.startedOver = false;
  }

  /** Runs the test's body, and once more when a step that builds state answers 5xx (see setup). */
  async run(body) {
    try {
      await body();
    } catch (e) {
      if (!(e instanceof StartOver)) {
        throw e;
      }
      this.startedOver = true;
      await body();
    }
  }

  /**
   * A reply to a request that builds state. The first time one answers 5xx, the test starts over with new values: a
   * service may reuse a connection to its dependency that an earlier interceptor closed, and fail that one call.
   */
  setup(reply) {
    if (reply.response.status >= 500 && !this.startedOver) {
      throw new StartOver('start over');
    }
    return reply;
  }

  async inject(specJson) {
    const answer = await control('POST', '/v1/interceptors/' + this.id + '/faults', specJson);
    assert.equal(answer.status, 201, 'injecting ' + specJson + ' answered ' + answer.status + ': ' + errorOf(answer));
  }

  /** Connections the service opened through the interceptor so far. */
  async connections() {
    const answer = await control('GET', '/v1/interceptors/' + this.id + '/stats');
    return answer.status === 200 && answer.parsed ? answer.parsed.connections || 0 : 0;
  }

  async close() {
    if (this.id !== undefined) {
      const id = this.id;
      this.id = undefined;
      await control('DELETE', '/v1/interceptors/' + id);
    }
  }
}

/**
 * Creates a transparent interceptor on the dependency's port, or skips the test with the reason (and returns
 * undefined) when the control API is not reachable or refuses it (transparent mode needs root and nftables).
 */
export async function intercept(t, label, envVar, recorded) {
  const address = process.env[envVar] || recorded;
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  try {
    await fetch(controlUrl + '/v1/health', { signal: AbortSignal.timeout(5000) });
  } catch (e) {
    t.skip('the control API at ' + controlUrl + ' is not reachable (' + (e.cause?.code || e.message)
      + "): start it with 'chaos-testing serve' or set CHAOS_CONTROL_URL");
    return undefined;
  }
  const answer = await control('POST', '/v1/interceptors', JSON.stringify({ port, transparent: true }));
  if ([401, 403, 500].includes(answer.status)) {
    t.skip('the control API refused a transparent interceptor on port ' + port + ' (' + label + '): '
      + errorOf(answer));
    return undefined;
  }
  assert.equal(answer.status, 201, 'creating a transparent interceptor on port ' + port + ' (' + label
    + ') answered ' + answer.status + ': ' + errorOf(answer));
  return new Dependency(label, port, answer.parsed.id);
}

/** Runs the call with a time limit a little over the bound; resolves to { reply (or undefined), elapsed seconds }. */
export async function timedCall(withinSeconds, call) {
  const started = performance.now();
  let reply;
  try {
    reply = await call(withinSeconds + 1);
  } catch {
    reply = undefined;
  }
  return { reply, elapsed: (performance.now() - started) / 1000 };
}

const what = (endpoint, dependency, fault) => endpoint + ': with ' + dependency.label + ' ' + fault;

async function passedThrough(t, dependency, endpoint, fault) {
  if ((await dependency.connections()) === 0) {
    t.skip(what(endpoint, dependency, fault) + ', the service made no new connection to port ' + dependency.port
      + ': it reuses a connection opened before the interceptor existed'
      + ' (run the chaos tests on a freshly started service: npm run test:chaos)');
    return false;
  }
  return true;
}

/** The endpoint answered an error status (5xx) within the bound. */
export async function expectError(t, dependency, endpoint, fault, withinSeconds, { reply, elapsed }) {
  const prefix = what(endpoint, dependency, fault);
  assert.ok(reply !== undefined, prefix + ', no answer within ' + (withinSeconds + 1) + ' s');
  const status = reply.response.status;
  if (status >= 500 && status < 600 && elapsed <= withinSeconds) {
    return;
  }
  if (!(await passedThrough(t, dependency, endpoint, fault))) {
    return;
  }
  assert.ok(status >= 500 && status < 600,
    prefix + ', expected an error status (5xx) but was ' + status + '; body: ' + reply.body.slice(0, 300));
  assert.ok(elapsed <= withinSeconds,
    prefix + ', expected an answer within ' + withinSeconds + ' s but it took ' + elapsed.toFixed(2) + ' s');
}

/** The endpoint still answered its recorded status within the bound. */
export async function expectAnswer(t, dependency, endpoint, fault, status, withinSeconds, { reply, elapsed }) {
  const prefix = what(endpoint, dependency, fault);
  if (!(await passedThrough(t, dependency, endpoint, fault))) {
    return;
  }
  assert.ok(reply !== undefined, prefix + ', no answer within ' + (withinSeconds + 1) + ' s');
  assert.equal(reply.response.status, status,
    prefix + ', expected status ' + status + ' but was ' + reply.response.status + '; body: ' + reply.body.slice(0, 300));
  assert.ok(elapsed <= withinSeconds,
    prefix + ', expected an answer within ' + withinSeconds + ' s but it took ' + elapsed.toFixed(2) + ' s');
}
