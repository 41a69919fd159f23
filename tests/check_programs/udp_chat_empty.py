# BUG (empty): skips an empty datagram as if it meant "the client closed", a
# habit from TCP; UDP's b'' is a real, empty message.
import socket, sys

host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
srv = socket.socket(family, socket.SOCK_DGRAM)
srv.bind((host, int(sys.argv[1])))
while True:
    data, addr = srv.recvfrom(65535)
    if not data:
        continue
    try:
        reply = "echo: " + data.decode("utf-8")
    except UnicodeDecodeError:
        reply = "error: not UTF-8"
    srv.sendto(reply.encode("utf-8"), addr)
