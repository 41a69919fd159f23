# BUG (sender-address): remembers the first client's address and answers every
# datagram there, as if UDP had a connection.
import socket, sys

host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
srv = socket.socket(family, socket.SOCK_DGRAM)
srv.bind((host, int(sys.argv[1])))
client = None
while True:
    data, addr = srv.recvfrom(65535)
    if client is None:
        client = addr
    addr = client
    try:
        reply = "echo: " + data.decode("utf-8")
    except UnicodeDecodeError:
        reply = "error: not UTF-8"
    srv.sendto(reply.encode("utf-8"), addr)
