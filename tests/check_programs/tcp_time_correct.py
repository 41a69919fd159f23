# tcp-time, done right (lesson 34): read the request to the client's FIN, parse
# it as a number (never eval), check the range, answer, close; every connection
# in its own try, so one bad client cannot stop the server.
import math, socket, sys, time

MAX_TS = 4102444800  # 2100-01-01 00:00:00 UTC

def format_timestamp(text):
    try:
        ts = float(text)
    except ValueError:
        return "error: please send a number, e.g. 1700000000"
    if not (math.isfinite(ts) and 0 <= ts < MAX_TS):
        return "error: timestamp out of range"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))

host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
srv = socket.socket(family, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, int(sys.argv[1])))
srv.listen()
while True:
    conn, addr = srv.accept()
    with conn:
        try:
            conn.settimeout(5)
            request = b""
            while len(request) < 64 and (chunk := conn.recv(64)):
                request += chunk
            try:
                answer = format_timestamp(request.decode("ascii"))
            except UnicodeDecodeError:
                answer = "error: not ASCII"
            conn.sendall(answer.encode("utf-8"))
        except OSError:
            pass
