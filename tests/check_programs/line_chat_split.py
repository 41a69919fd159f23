# BUG (split): decodes each recv() on its own; a piece that ends inside a
# multi-byte character ('é' is 2 bytes, '你' is 3) raises UnicodeDecodeError.
import socket, sys, threading

def serve(conn):
    with conn:
        buf = ""
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buf += chunk.decode("utf-8")  # BUG: decode whole lines, not pieces
            while "\n" in buf:
                line, buf = buf.split("\n", 1)
                conn.sendall(("echo: " + line + "\n").encode("utf-8"))
                if line == "bye":
                    return

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen()
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
