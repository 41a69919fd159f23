# BUG (bad-utf8): decodes without catching UnicodeDecodeError, so a datagram
# that is not UTF-8 stops the server.
import socket, sys

host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
srv = socket.socket(family, socket.SOCK_DGRAM)
srv.bind((host, int(sys.argv[1])))
while True:
    data, addr = srv.recvfrom(65535)
    reply = "echo: " + data.decode("utf-8")
    srv.sendto(reply.encode("utf-8"), addr)
