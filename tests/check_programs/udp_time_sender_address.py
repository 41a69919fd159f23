# BUG (sender-address): remembers the first client's address and answers it,
# whoever asked.
import socket, sys, time

srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", int(sys.argv[1])))
peer = None
while True:
    data, addr = srv.recvfrom(1024)
    try:
        fmt = data.decode("utf-8")
        reply = time.strftime(fmt) if len(fmt) <= 100 else "error: format too long"
    except (UnicodeDecodeError, ValueError) as e:
        reply = f"error: {e}"
    if peer is None:
        peer = addr
    srv.sendto(reply.encode("utf-8"), peer)
