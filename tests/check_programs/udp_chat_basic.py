# BUG (basic): decodes as Latin-1 "so that no byte can make it crash"; every
# character outside ASCII comes back garbled.
import socket, sys

host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
srv = socket.socket(family, socket.SOCK_DGRAM)
srv.bind((host, int(sys.argv[1])))
while True:
    data, addr = srv.recvfrom(65535)
    try:
        reply = "echo: " + data.decode("latin-1")
    except UnicodeDecodeError:
        reply = "error: not UTF-8"
    srv.sendto(reply.encode("utf-8"), addr)
