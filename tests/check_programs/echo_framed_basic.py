# BUG (basic): the length prefix counts characters, not bytes.
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
                body = recv_exact(conn, n)
                if body is None:
                    return
                reply = body.decode("utf-8").upper().encode("utf-8")
                text = body.decode("utf-8").upper()
                conn.sendall(struct.pack(">I", len(text)) + text.encode("utf-8"))
        except (OSError, UnicodeDecodeError):
            return

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen()
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
