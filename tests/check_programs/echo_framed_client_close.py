# BUG (client-close): a select() server whose client loop has no try/except:
# a client that resets mid-message raises ConnectionResetError and ends the server.
import selectors, socket, struct, sys

sel = selectors.DefaultSelector()
buffers = {}

def drop(conn):
    sel.unregister(conn)
    del buffers[conn]
    conn.close()

def handle(conn):
    """Answers every whole message in the client's buffer; False when it left."""
    chunk = conn.recv(65536)
    if not chunk:
        drop(conn)
        return False
    buf = buffers[conn] + chunk
    while len(buf) >= 4:
        (n,) = struct.unpack(">I", buf[:4])
        if len(buf) < 4 + n:
            break
        reply = buf[4:4 + n].decode("utf-8").upper().encode("utf-8")
        conn.sendall(struct.pack(">I", len(reply)) + reply)
        buf = buf[4 + n:]
    buffers[conn] = buf
    return True

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen()
sel.register(srv, selectors.EVENT_READ)
running = True
while running:
    for key, _ in sel.select():
        if key.fileobj is srv:
            conn, _ = srv.accept()
            buffers[conn] = b""
            sel.register(conn, selectors.EVENT_READ)
        else:
            handle(key.fileobj)  # BUG: a reset client's error is not caught

