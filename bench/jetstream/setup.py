"""(Re)creates the benchmark stream (memory, R3) and its durable pull consumer, speaking the NATS
protocol directly so the benchmark does not depend on any of the clients it compares.

  setup.py --urls URLS --stream S --subject SUBJ --consumer C
"""
import argparse, json, socket


class Conn:
    def __init__(self, url):
        host, port = url.split("//")[-1].split(":")
        self.s = socket.create_connection((host, int(port)))
        self.buf = b""
        self.line()
        self.s.sendall(b'CONNECT {"verbose":false,"headers":true,"no_responders":true,"user":"user","pass":"user"}\r\n'
                       b'SUB _INBOX.setup.* 1\r\nPING\r\n')
        while self.line() != b"PONG":
            pass
        self.n = 0

    def line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(65536)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def request(self, subject, body):
        self.n += 1
        data = json.dumps(body).encode()
        self.s.sendall(f"PUB {subject} _INBOX.setup.{self.n} {len(data)}\r\n".encode() + data + b"\r\n")
        while True:
            line = self.line()
            if line.startswith(b"MSG") or line.startswith(b"HMSG"):
                size = int(line.split()[-1])
                while len(self.buf) < size + 2:
                    self.buf += self.s.recv(65536)
                payload, self.buf = self.buf[:size], self.buf[size + 2:]
                return json.loads(payload.split(b"\r\n\r\n")[-1] or b"{}")
            if line == b"PING":
                self.s.sendall(b"PONG\r\n")


p = argparse.ArgumentParser()
p.add_argument("--urls", required=True)
p.add_argument("--stream", default="BENCH")
p.add_argument("--subject", default="bench.js")
p.add_argument("--consumer", default="bench")
a = p.parse_args()
c = Conn(a.urls.split(",")[0])
c.request(f"$JS.API.STREAM.DELETE.{a.stream}", {})
r = c.request(f"$JS.API.STREAM.CREATE.{a.stream}", {"name": a.stream, "subjects": [a.subject], "storage": "memory", "num_replicas": 3})
if "error" in r:
    raise SystemExit(f"stream create failed: {r['error']}")
r = c.request(f"$JS.API.CONSUMER.CREATE.{a.stream}.{a.consumer}",
              {"stream_name": a.stream, "config": {"durable_name": a.consumer, "ack_policy": "explicit", "max_ack_pending": 100000}})
if "error" in r:
    raise SystemExit(f"consumer create failed: {r['error']}")
