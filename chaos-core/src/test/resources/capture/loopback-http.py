# Made chaos-core/src/test/resources/capture/loopback-http.pcap: run as root, `python3 loopback-http.py loopback-http.pcap`.
# Captures real loopback packets (AF_PACKET, as libpcap does) of a keep-alive HTTP/1.1 exchange into a pcap file.
import socket, struct, threading, time, sys, http.server, http.client

out_path = sys.argv[1]
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sniffer.bind(("lo", 0))
sniffer.settimeout(0.2)

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.answer(201, b"created:" + body)
    def do_GET(self):
        self.answer(200, b"item " + self.path.encode())
    def answer(self, status, body):
        self.send_response_only(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
port = server.server_address[1]
threading.Thread(target=server.serve_forever, daemon=True).start()

packets = []
stop = threading.Event()
def sniff():
    while not stop.is_set():
        try:
            data, addr = sniffer.recvfrom(65536)
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue  # loopback shows each packet twice; libpcap keeps the incoming copy only
        packets.append((time.time_ns() // 1000, data))
t = threading.Thread(target=sniff); t.start()
time.sleep(0.2)
conn = http.client.HTTPConnection("127.0.0.1", port)
conn.request("POST", "/orders", body=b'{"item":"ab"}', headers={"Content-Type": "application/json"})
r = conn.getresponse(); print(r.status, r.read())
time.sleep(0.01)
conn.request("GET", "/orders/7?full=1")
r = conn.getresponse(); print(r.status, r.read())
conn.close()
time.sleep(0.3)
server.shutdown(); server.server_close()
time.sleep(0.2)
stop.set(); t.join()

def ports(frame):
    if len(frame) < 54 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return None
    ihl = (frame[14] & 15) * 4
    return struct.unpack("!HH", frame[14 + ihl:14 + ihl + 4])

with open(out_path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    n = 0
    for micros, frame in packets:
        p = ports(frame)
        if p is None or port not in p:
            continue
        f.write(struct.pack("<IIII", micros // 1000000, micros % 1000000, len(frame), len(frame)))
        f.write(frame)
        n += 1
print("port", port, "packets", n)
