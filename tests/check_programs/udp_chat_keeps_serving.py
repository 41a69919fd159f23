# BUG (keeps-serving): a test loop left in: the server answers ten datagrams and
# then ends.
import socket, sys

host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
srv = socket.socket(family, socket.SOCK_DGRAM)
srv.bind((host, int(sys.argv[1])))
for _ in range(10):
    data, addr = srv.recvfrom(65535)
    try:
        reply = "echo: " + data.decode("utf-8")
    except UnicodeDecodeError:
        reply = "error: not UTF-8"
    srv.sendto(reply.encode("utf-8"), addr)
