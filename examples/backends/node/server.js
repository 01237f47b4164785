'use strict';
// Customers service: a small JSON API on Express that keeps its data in Redis (node-redis).
//
// Endpoints: GET /health, POST /v1/auth/login, GET|POST /v1/customers, GET|PATCH|DELETE /v1/customers/:id.
// Customers have UUID ids (crypto.randomUUID), a unique email (claimed with SET NX), RFC 3339 timestamps; each is
// a Redis hash `customer:<id>` listed in the sorted set `customers` (by creation time). Sessions are random 32-hex
// tokens stored as `session:<token>` with a TTL. The login user is a Redis hash with a scrypt password hash.
//
// Environment: PORT (listens on 127.0.0.1 only), REDIS_URL (default redis://127.0.0.1:6379), APP_USERNAME /
// APP_PASSWORD (default admin / admin-password) and the bug switch BUG=wrong_field|wrong_status|lost_write.

const crypto = require('node:crypto');
const express = require('express');
const { createClient } = require('redis');

const BUG = (process.env.BUG || '').trim() === 'none' ? '' : (process.env.BUG || '').trim();
if (BUG && !['wrong_field', 'wrong_status', 'lost_write'].includes(BUG)) {
  console.error(`unknown BUG=${BUG} (expected wrong_field, wrong_status or lost_write)`);
  process.exit(2);
}
const PORT = Number.parseInt(process.env.PORT || '8080', 10);
const SESSION_SECONDS = 3600;
const TIERS = ['free', 'pro', 'enterprise'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const validation = (details) => new ApiError(400, 'validation_failed', 'the request body is not valid', details);
const notFound = (id) => new ApiError(404, 'not_found', `customer ${id} does not exist`);

function hashPassword(password, salt = crypto.randomBytes(16)) {
  return `scrypt$${salt.toString('hex')}$${crypto.scryptSync(password, salt, 32).toString('hex')}`;
}

function checkPassword(password, stored) {
  const [, salt] = String(stored || '').split('$');
  if (!salt) return false;
  const actual = Buffer.from(hashPassword(password, Buffer.from(salt, 'hex')));
  const expected = Buffer.from(stored);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

/** The JSON of a customer; with the wrong_field bug, a single customer (GET by id) names `email` `mail`. */
function render(c, single = false) {
  return {
    id: c.id,
    [single && BUG === 'wrong_field' ? 'mail' : 'email']: c.email,
    name: c.name,
    tier: c.tier,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

function validate(body, partial) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_json', 'the body must be a JSON object');
  }
  const details = [];
  const values = {};
  if (!partial || 'email' in body) {
    if (typeof body.email !== 'string' || !EMAIL.test(body.email) || body.email.length > 254) {
      details.push({ field: 'email', message: 'required: an email address' });
    } else {
      values.email = body.email.toLowerCase();
    }
  }
  if (!partial || 'name' in body) {
    if (typeof body.name !== 'string' || !body.name.trim() || body.name.length > 200) {
      details.push({ field: 'name', message: 'required: 1 to 200 characters' });
    } else {
      values.name = body.name;
    }
  }
  if ('tier' in body) {
    if (!TIERS.includes(body.tier)) {
      details.push({ field: 'tier', message: `one of ${TIERS.join(', ')}` });
    } else {
      values.tier = body.tier;
    }
  }
  if (details.length) throw validation(details);
  if (partial && Object.keys(values).length === 0) {
    throw validation([{ field: 'body', message: 'give at least one of email, name, tier' }]);
  }
  return values;
}

async function main() {
  const redis = createClient({ url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' });
  redis.on('error', (e) => console.error(`redis: ${e.message}`));
  await redis.connect();
  const username = process.env.APP_USERNAME || 'admin';
  await redis.hSetNX(`user:${username}`, 'password', hashPassword(process.env.APP_PASSWORD || 'admin-password'));

  const load = async (id) => {
    if (!UUID.test(id)) return null;
    const c = await redis.hGetAll(`customer:${id}`);
    return c && c.id ? c : null;
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));

  const auth = async (req, res, next) => {
    const header = req.get('authorization') || '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const user = /^[0-9a-f]{32}$/.test(token) ? await redis.get(`session:${token}`) : null;
    if (!user) throw new ApiError(401, 'unauthorized', 'a valid Bearer token is required');
    req.user = user;
    next();
  };

  app.get('/health', async (req, res) => {
    res.json({ status: 'ok', redis: await redis.ping() });
  });

  app.post('/v1/auth/login', async (req, res) => {
    const { username: name, password } = req.body || {};
    const details = [];
    if (typeof name !== 'string' || !name) details.push({ field: 'username', message: 'required' });
    if (typeof password !== 'string' || !password) details.push({ field: 'password', message: 'required' });
    if (details.length) throw validation(details);
    const stored = await redis.hGet(`user:${name}`, 'password');
    if (!stored || !checkPassword(password, stored)) {
      throw new ApiError(401, 'invalid_credentials', 'wrong username or password');
    }
    const token = crypto.randomBytes(16).toString('hex');
    await redis.set(`session:${token}`, name, { expiration: { type: 'EX', value: SESSION_SECONDS } });
    res.json({ token, token_type: 'Bearer', expires_in: SESSION_SECONDS });
  });

  app.get('/v1/customers', auth, async (req, res) => {
    const tier = req.query.tier;
    const ids = await redis.zRange('customers', 0, -1);
    const customers = [];
    for (const id of ids) {
      const c = await load(id);
      if (c && (!tier || c.tier === tier)) customers.push(render(c));
    }
    res.json(customers);
  });

  app.post('/v1/customers', auth, async (req, res) => {
    const values = validate(req.body, false);
    const id = crypto.randomUUID();
    const claimed = await redis.set(`customers:email:${values.email}`, id, { condition: 'NX' });
    if (claimed !== 'OK') {
      throw new ApiError(409, 'conflict', `a customer with email ${values.email} already exists`);
    }
    const now = new Date().toISOString();
    const customer = { id, tier: 'free', ...values, created_at: now, updated_at: now };
    await redis.multi().hSet(`customer:${id}`, customer).zAdd('customers', { score: Date.now(), value: id }).exec();
    res.status(BUG === 'wrong_status' ? 200 : 201).location(`/v1/customers/${id}`).json(render(customer));
  });

  app.get('/v1/customers/:id', auth, async (req, res) => {
    const c = await load(req.params.id);
    if (!c) throw notFound(req.params.id);
    res.json(render(c, true));
  });

  app.patch('/v1/customers/:id', auth, async (req, res) => {
    const values = validate(req.body, true);
    const c = await load(req.params.id);
    if (!c) throw notFound(req.params.id);
    const updated = { ...c, ...values, updated_at: new Date().toISOString() };
    if (BUG !== 'lost_write') {
      if (values.email && values.email !== c.email) {
        const claimed = await redis.set(`customers:email:${values.email}`, c.id, { condition: 'NX' });
        if (claimed !== 'OK') {
          throw new ApiError(409, 'conflict', `a customer with email ${values.email} already exists`);
        }
        await redis.del(`customers:email:${c.email}`);
      }
      await redis.hSet(`customer:${c.id}`, updated);
    }
    res.json(render(updated));
  });

  app.delete('/v1/customers/:id', auth, async (req, res) => {
    const c = await load(req.params.id);
    if (!c) throw notFound(req.params.id);
    await redis
      .multi()
      .del(`customer:${c.id}`)
      .zRem('customers', c.id)
      .del(`customers:email:${c.email}`)
      .exec();
    res.status(204).end();
  });

  app.use((req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such route' });
  });

  // Express 5 passes rejected promises of async handlers here.
  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, next) => {
    if (err instanceof ApiError) {
      const body = { error: err.code, message: err.message };
      if (err.details) body.details = err.details;
      res.status(err.status).json(body);
    } else if (err.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'invalid_json', message: 'the body is not valid JSON' });
    } else {
      console.error(err);
      res.status(500).json({ error: 'internal', message: 'internal error' });
    }
  });

  const server = app.listen(PORT, '127.0.0.1', () => {
    console.log(`customers-service listening on 127.0.0.1:${server.address().port} (bug: ${BUG || 'none'})`);
  });
  const stop = () => server.close(() => redis.quit().finally(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
