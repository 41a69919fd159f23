# BUG (client-close): a select() chat server with no try/except around a
# client's recv(): a client that resets mid-line ends the whole server.
import selectors, socket, sys

sel = selectors.DefaultSelector()
buffers = {}

def handle(conn):
    chunk = conn.recv(4096)  # BUG: ConnectionResetError is not caught
    if not chunk:
        sel.unregister(conn)
        del buffers[conn]
        conn.close()
        return
    buf = buffers[conn] + chunk
    while b"\n" in buf:
        raw, buf = buf.split(b"\n", 1)
        line = raw.decode("utf-8")
        conn.sendall(("echo: " + line + "\n").encode("utf-8"))
        if line == "bye":
            sel.unregister(conn)
            del buffers[conn]
            conn.close()
            return
    buffers[conn] = buf

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen()
sel.register(srv, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is srv:
            conn, _ = srv.accept()
            buffers[conn] = b""
            sel.register(conn, selectors.EVENT_READ)
        else:
            handle(key.fileobj)
