#!/usr/bin/python3
"""Real gRPC traffic on loopback for bench/codecs.sh: a gRPC server (python3-grpcio from Debian) with one generic
unary method and one server-streaming method that echo bytes, and a client making CALLS calls over CHANNELS channels.
No generated stubs: the methods take and return raw bytes, which is what gRPC puts on the wire after its 5-byte
message prefix.

    grpc-traffic.py server PORT            serve until killed, print "listening PORT"
    grpc-traffic.py client PORT CALLS [CHANNELS]
"""
import sys
import threading
from concurrent import futures

import grpc

SERVICE = "bench.Echo"


def identity(b):
    return b


def serve(port):
    def unary(request, context):
        return request

    def stream(request, context):
        for _ in range(3):
            yield request

    handler = grpc.method_handlers_generic_handler(SERVICE, {
        "Unary": grpc.unary_unary_rpc_method_handler(unary, identity, identity),
        "Stream": grpc.unary_stream_rpc_method_handler(stream, identity, identity),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port("127.0.0.1:%d" % port)
    server.start()
    print("listening %d" % port, flush=True)
    server.wait_for_termination()


def client(port, calls, channels):
    payload = bytes(range(64)) * 2
    errors = []

    def run(n):
        with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
            unary = channel.unary_unary("/%s/Unary" % SERVICE, identity, identity)
            stream = channel.unary_stream("/%s/Stream" % SERVICE, identity, identity)
            for i in range(n):
                if i % 10 == 9:
                    got = list(stream(payload, timeout=10))
                    if len(got) != 3:
                        errors.append("stream")
                elif unary(payload, timeout=10) != payload:
                    errors.append("unary")

    threads = [threading.Thread(target=run, args=(calls // channels,)) for _ in range(channels)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("done calls=%d errors=%d" % ((calls // channels) * channels, len(errors)), flush=True)
    return 1 if errors else 0


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(int(sys.argv[2]))
    else:
        sys.exit(client(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 4))
