// A test in another language drives chaos through the control API: Node's built-in fetch and net only.
// Usage: node node_client.mjs BASE_URL ECHO_PORT   (an echo server listens on ECHO_PORT). Prints "ok" last.
import assert from "node:assert/strict";
import net from "node:net";

const [base, echoPort] = [process.argv[2], Number(process.argv[3])];

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(base + path, init);
  return { status: response.status, text: await response.text() };
}

// Milliseconds for one line echoed through the interceptor; rejects with the socket error (e.g. ECONNRESET).
function roundTrip(port) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const socket = net.connect({ host: "127.0.0.1", port, noDelay: true }, () => socket.write("ping\n"));
    let received = "";
    socket.setTimeout(30000, () => socket.destroy(new Error("timeout")));
    socket.on("data", (chunk) => {
      received += chunk;
      if (received.length >= 5) {
        socket.end();
        assert.equal(received, "ping\n");
        resolve(performance.now() - start);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error("closed after " + JSON.stringify(received))));
  });
}

let r = await call("POST", "/v1/interceptors", { port: echoPort, protocol: "tcp" });
assert.equal(r.status, 201, r.text);
const { id, port } = JSON.parse(r.text);
await roundTrip(port);

r = await call("POST", `/v1/interceptors/${id}/faults`, { type: "latency", delay: "400ms" });
assert.equal(r.status, 201, r.text);
const latency = JSON.parse(r.text).id;
assert.ok((await roundTrip(port)) >= 400);
assert.equal((await call("DELETE", `/v1/interceptors/${id}/faults/${latency}`)).status, 200);
assert.ok((await roundTrip(port)) < 400);

r = await call("POST", `/v1/interceptors/${id}/faults`, { type: "reset" });
const reset = JSON.parse(r.text).id;
await assert.rejects(roundTrip(port), (e) => e.code === "ECONNRESET");
assert.equal((await call("DELETE", `/v1/interceptors/${id}/faults/${reset}`)).status, 200);
await roundTrip(port);

r = await call("POST", `/v1/interceptors/${id}/faults`, { type: "latency", dealy: "1s" });
assert.equal(r.status, 400);
assert.match(JSON.parse(r.text).error, /^fault 'latency': unknown field 'dealy'/);

r = await call("GET", `/v1/interceptors/${id}/recording?min=4&timeout=20s`);
assert.equal(r.status, 200);
const pings = r.text.split("\n").filter((l) => l).map((l) => JSON.parse(l))
  .filter((i) => i.request?.data?.text === "ping\n" && i.response?.data?.text === "ping\n");
assert.ok(pings.length >= 4, r.text);

assert.equal((await call("DELETE", `/v1/interceptors/${id}`)).status, 200);
await assert.rejects(roundTrip(port), (e) => e.code === "ECONNREFUSED");
console.log("ok");
