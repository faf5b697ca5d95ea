#!/usr/bin/env python3
"""A plain Python poplib session for the interop tests.

Logs in with USER/PASS, takes STAT, LIST and UIDL, retrieves every message, deletes one and
QUITs; prints one JSON object on stdout so the test can check every answer. Message bodies are
given as base64 of the lines poplib returns joined with CRLF plus a final CRLF: poplib un-stuffs
and strips line ends, so that is the message as the server sent it.

usage: poplib-session.py HOST PORT USER PASSWORD DELETE_NUMBER
"""
import base64
import json
import poplib
import sys


def main() -> int:
    host, port, user, password, delete = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    pop = poplib.POP3(host, port, timeout=30)
    out = {"greeting": pop.getwelcome().decode("latin-1")}
    pop.user(user)
    pop.pass_(password)
    out["stat"] = list(pop.stat())
    _, listing, _ = pop.list()
    out["list"] = [[int(n) for n in line.split()] for line in listing]
    _, uidls, _ = pop.uidl()
    out["uidl"] = [line.decode("latin-1").split(" ", 1) for line in uidls]
    messages = []
    for number, _size in out["list"]:
        _, lines, octets = pop.retr(number)
        body = b"".join(line + b"\r\n" for line in lines)
        messages.append({"number": number, "octets": octets, "body": base64.b64encode(body).decode("ascii")})
    out["messages"] = messages
    out["dele"] = pop.dele(delete).decode("latin-1")
    out["quit"] = pop.quit().decode("latin-1")
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
