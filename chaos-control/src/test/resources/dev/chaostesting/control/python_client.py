"""A test in another language drives chaos through the control API: python3's standard library only.

Usage: python3 python_client.py BASE_URL ECHO_PORT   (an echo server listens on ECHO_PORT)
Prints "ok" last when every check passed; fails with the check that did not.
"""
import json
import socket
import sys
import time
import urllib.error
import urllib.request

BASE = sys.argv[1]
ECHO_PORT = int(sys.argv[2])


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def round_trip(port):
    """Seconds for one line echoed through the interceptor."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        start = time.monotonic()
        s.sendall(b"ping\n")
        received = b""
        while len(received) < 5:
            chunk = s.recv(5 - len(received))
            assert chunk, "connection closed after %r" % received
            received += chunk
        assert received == b"ping\n", received
        return time.monotonic() - start


status, body = call("POST", "/v1/interceptors", {"port": ECHO_PORT, "protocol": "tcp"})
assert status == 201, (status, body)
interceptor = json.loads(body)
iid, port = interceptor["id"], interceptor["port"]
round_trip(port)

# Latency, measured on the wire.
status, body = call("POST", "/v1/interceptors/%s/faults" % iid, {"type": "latency", "delay": "500ms"})
assert status == 201, (status, body)
latency = json.loads(body)["id"]
slow = round_trip(port)
assert slow >= 0.5, slow
status, _ = call("DELETE", "/v1/interceptors/%s/faults/%s" % (iid, latency))
assert status == 200
fast = round_trip(port)
assert fast < 0.5, fast

# Reset: the client sees ECONNRESET; once removed, traffic recovers.
status, body = call("POST", "/v1/interceptors/%s/faults" % iid, {"type": "reset"})
assert status == 201, (status, body)
reset = json.loads(body)["id"]
try:
    round_trip(port)
    raise AssertionError("no reset")
except ConnectionResetError:
    pass
status, _ = call("DELETE", "/v1/interceptors/%s/faults/%s" % (iid, reset))
assert status == 200
round_trip(port)

# A bad fault spec: 400 with the reason.
status, body = call("POST", "/v1/interceptors/%s/faults" % iid, {"type": "lag"})
assert status == 400, status
assert json.loads(body)["error"].startswith("fault type: 'lag' (expected one of: "), body

# The recording, as JSON Lines: the four echoed lines are there.
status, body = call("GET", "/v1/interceptors/%s/recording?min=4&timeout=20s" % iid)
assert status == 200, (status, body)
lines = [json.loads(line) for line in body.splitlines()]
pings = [i for i in lines if (i.get("request") or {}).get("data", {}).get("text") == "ping\n"
         and (i.get("response") or {}).get("data", {}).get("text") == "ping\n"]
assert len(pings) >= 4, lines
status, body = call("GET", "/v1/interceptors/%s/recording/summary" % iid)
assert json.loads(body)["protocols"]["tcp"]["interactions"] >= 4, body

# Deleting closes the port.
status, _ = call("DELETE", "/v1/interceptors/%s" % iid)
assert status == 200
try:
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    raise AssertionError("port %d still open" % port)
except ConnectionRefusedError:
    pass
print("ok")
