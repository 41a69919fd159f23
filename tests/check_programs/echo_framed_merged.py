# BUG (merged): reads into a buffer until a whole message is there, answers it,
# then throws the rest of the buffer away.
import socket, struct, sys, threading

def serve(conn):
    with conn:
        try:
            while True:
                buf = b""
                while len(buf) < 4 or len(buf) < 4 + struct.unpack(">I", buf[:4])[0]:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                (n,) = struct.unpack(">I", buf[:4])
                reply = buf[4:4 + n].decode("utf-8").upper().encode("utf-8")
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
