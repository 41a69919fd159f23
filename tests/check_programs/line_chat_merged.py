# BUG (merged): reads until the buffer ends with a newline, then answers the
# whole buffer as one line, however many lines it holds.
import socket, sys, threading

def serve(conn):
    with conn:
        try:
            while True:
                buf = b""
                while not buf.endswith(b"\n"):
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    buf += chunk
                line = buf[:-1].decode("utf-8")
                conn.sendall(("echo: " + line + "\n").encode("utf-8"))
                if line == "bye":
                    return
        except (OSError, UnicodeDecodeError):
            return

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen()
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
