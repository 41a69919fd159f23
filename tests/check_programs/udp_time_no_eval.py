# BUG (no-eval): "supports expressions" by trying eval() first.
import socket, sys, time

srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data, addr = srv.recvfrom(1024)
    try:
        fmt = data.decode("utf-8")
        try:
            reply = str(eval(fmt))  # BUG: runs whatever the network sends
        except Exception:
            reply = time.strftime(fmt)
    except (UnicodeDecodeError, ValueError) as e:
        reply = f"error: {e}"
    srv.sendto(reply.encode("utf-8"), addr)
