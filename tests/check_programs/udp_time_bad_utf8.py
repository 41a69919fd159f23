# BUG (bad-utf8): decodes without a try: bytes that are not UTF-8 crash it.
import socket, sys, time

srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data, addr = srv.recvfrom(1024)
    fmt = data.decode("utf-8")
    reply = time.strftime(fmt) if len(fmt) <= 100 else "error: format too long"
    srv.sendto(reply.encode("utf-8"), addr)
