# BUG (large): reads at most 64 KiB of a message (a fixed-size buffer), so a
# longer one is cut short and its rest is taken for the next message.
import socket, struct, sys, threading

def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf

def serve(conn):
    with conn:
        try:
            while True:
                header = recv_exact(conn, 4)
                if header is None:
                    return
                (n,) = struct.unpack(">I", header)
                body = recv_exact(conn, min(n, 65536))  # BUG: the rest of a longer message is left unread
                if body is None:
                    return
                reply = body.decode("utf-8").upper().encode("utf-8")
                conn.sendall(struct.pack(">I", len(reply)) + reply)
        except (OSError, UnicodeDecodeError):
            return

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen()
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
