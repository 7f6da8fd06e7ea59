#!/usr/bin/env python3
"""Resident memory of a node under the attacks its limits are for, one after the other, with the defaults.

Starts `launcher.sh run` (the launcher's JVM flags, embedded Redis) on settings that acknowledge nobody but a
client with the token, then for each attack samples the node's resident set size (RSS) while it runs and checks
that a fresh connection still gets a PING answered. Prints one line per attack: peak RSS, RSS before, and whether
the node kept serving. Only loopback addresses are used; every loop is bounded in time.

  flood          150 connections that are not acknowledged send 1 KiB PINGs and never read
  amplification  an acknowledged client asks for one 1 MiB value 700 times in one AGGREGATE, again and again
  non-reader     an acknowledged client pipelines AGGREGATEs of a 64 KiB value and never reads
  partial        100 connections that are not acknowledged announce 16 MiB CREATEs and send all but one byte

Usage: bench/hostile.py [--seconds N] [--port P]
"""
import argparse, json, os, re, select, signal, socket, struct, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "hostile-bench-token"


def frame(opcode, payload):
    return struct.pack(">HI", opcode, len(payload)) + payload


def read_frame(sock):
    head = recv_exactly(sock, 6)
    status, length = struct.unpack(">HI", head)
    return status, recv_exactly(sock, length)


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def serves(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.settimeout(5)
            s.sendall(frame(5, b"still there"))
            return read_frame(s) == (0, b"still there")
    except OSError:
        return False


def acknowledged(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(frame(6, TOKEN.encode()))
    assert read_frame(s)[0] == 0, "AUTH failed"
    return s


def create(port, size):
    with acknowledged(port) as s:
        s.sendall(frame(1, b"v" * size))
        status, key = read_frame(s)
        assert status == 0, key
        return key


def flood(port, until):
    burst = frame(5, b"x" * 1024) * 64
    socks = []
    for _ in range(150):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        socks.append(s)
    try:
        while time.time() < until:
            _, writable, _ = select.select([], socks, [], 0.2)
            for s in writable:
                try:
                    s.send(burst)
                except OSError:
                    pass
    finally:
        for s in socks:
            s.close()


def amplification(port, until):
    key = create(port, 1024 * 1024)
    with acknowledged(port) as s:
        request = frame(3, b"\0".join([key] * 700))
        while time.time() < until:
            s.sendall(request)
            status, message = read_frame(s)
            assert status == 4, (status, message[:200])


def non_reader(port, until):
    key = create(port, 64 * 1024)
    s = acknowledged(port)
    s.setblocking(False)
    requests = frame(3, key) * 10000
    try:
        while time.time() < until:
            select.select([], [s], [], 0.2)
            try:
                s.send(requests)
            except (BlockingIOError, OSError):
                pass
    finally:
        s.close()


def partial(port, until):
    size = 16 * 1024 * 1024
    chunk = b"\0" * (1024 * 1024)

    def one():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(struct.pack(">HI", 1, size))
                sent = 0
                while sent < size - 1 and time.time() < until:
                    n = min(len(chunk), size - 1 - sent)
                    s.sendall(chunk[:n])
                    sent += n
                while time.time() < until:
                    time.sleep(0.2)  # hold the connection with the last byte never sent
        except OSError:
            pass

    threads = [threading.Thread(target=one) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


ATTACKS = {"flood": flood, "amplification": amplification, "non-reader": non_reader, "partial": partial}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--port", type=int, default=7198)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="mv9-hostile-")
    settings = {"name": "hostile", "redis_uri": "embedded",
                "perms": {"open_metadata": False, "open_interactions": False},
                "addr": f"127.0.0.1:{args.port}", "nodes": [], "trust_loopback": False,
                "auth": {"token": TOKEN}, "data_dir": os.path.join(work, "data")}
    with open(os.path.join(work, "node.json"), "w") as f:
        json.dump(settings, f)
    log = open(os.path.join(work, "node.log"), "w")
    node = subprocess.Popen([os.path.join(HERE, "launcher.sh"), "run", "-s", os.path.join(work, "node.json")],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 120
        while not re.search("listening on", open(log.name).read()):
            if node.poll() is not None or time.time() > deadline:
                sys.exit("the node did not start: " + open(log.name).read())
            time.sleep(0.2)
        print(f"{'attack':<14} {'RSS before':>11} {'peak RSS':>10} {'served':>7}  (launcher.sh defaults, {args.seconds} s each)")
        for name, attack in ATTACKS.items():
            before = rss_kib(node.pid)
            peak, served, until = before, True, time.time() + args.seconds
            runner = threading.Thread(target=attack, args=(args.port, until))
            runner.start()
            while runner.is_alive():
                time.sleep(0.5)
                if node.poll() is not None:
                    sys.exit(f"{name}: the node died: " + open(log.name).read()[-2000:])
                peak = max(peak, rss_kib(node.pid))
                served = served and serves(args.port)
            runner.join()
            print(f"{name:<14} {before / 1024:>8.0f} MiB {peak / 1024:>6.0f} MiB {'yes' if served else 'NO':>7}")
        out_of_memory = "OutOfMemoryError" in open(log.name).read()
        print("OutOfMemoryError in the node's log: " + ("YES" if out_of_memory else "none"))
    finally:
        node.send_signal(signal.SIGTERM)
        try:
            node.wait(60)
        except subprocess.TimeoutExpired:
            node.kill()


if __name__ == "__main__":
    main()
