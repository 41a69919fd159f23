# BUG (long-line): readline(8192) cuts a longer line into pieces.
import socket, sys, threading

def serve(conn):
    with conn:
        try:
            f = conn.makefile("rb")
            for raw in iter(lambda: f.readline(8192), b""):
                if not raw.endswith(b"\n"):
                    return  # the client left mid-line
                line = raw[:-1].decode("utf-8")
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
