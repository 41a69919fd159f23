# BUG (basic): decodes as Latin-1 so that no byte can make it crash; any
# non-ASCII text in the format comes back garbled.
import socket, sys, time

srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data, addr = srv.recvfrom(1024)
    try:
        fmt = data.decode("latin-1")
        reply = time.strftime(fmt) if len(fmt) <= 100 else "error: format too long"
    except (UnicodeDecodeError, ValueError) as e:
        reply = f"error: {e}"
    srv.sendto(reply.encode("utf-8"), addr)
