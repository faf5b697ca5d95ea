#!/usr/bin/env python3
"""A plain Python poplib session for the interop tests.

Logs in (USER/PASS, or APOP with --apop), takes STAT, LIST and UIDL, retrieves every message,
optionally deletes one, and QUITs; prints one JSON object on stdout so the test can check every
answer. Message bodies are given as base64 of the lines poplib returns joined with CRLF plus a
final CRLF: poplib un-stuffs and strips line ends, so that is the message as the server sent it.

TLS: --tls implicit connects with poplib.POP3_SSL (RFC 8314), --tls stls upgrades a plain
connection with POP3.stls() (RFC 2595). Both use an SSLContext from
ssl.create_default_context(cafile=...): certificate and host name verified, trusting exactly the
--cafile certificate (without --cafile: the system's CAs only). The host name checked is --host,
so 127.0.0.1 must be one of the certificate's IP addresses.

Exit codes: 0 session done; 3 the server refused the login (JSON has "login_error"); 4 the TLS
handshake failed certificate verification (JSON has "tls_error").

usage: poplib-session.py --host HOST --port PORT --user USER --secret SECRET
                         [--apop] [--tls none|implicit|stls] [--cafile PEM] [--delete N]
"""
import argparse
import base64
import json
import poplib
import ssl
import sys


def capa(pop):
    # poplib.capa() gives {tag: [args]}; keep the lines as the server wrote them.
    return [" ".join([tag, *args]) for tag, args in pop.capa().items()]


def tls_info(pop):
    sock = pop.sock
    cert = sock.getpeercert()  # {} unless verified (CERT_REQUIRED): non-empty proves verification
    return {
        "version": sock.version(),
        "cipher": sock.cipher()[0],
        "subject_alt_names": [f"{kind}:{value}" for kind, value in cert.get("subjectAltName", ())],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--apop", action="store_true")
    parser.add_argument("--tls", choices=["none", "implicit", "stls"], default="none")
    parser.add_argument("--cafile")
    parser.add_argument("--delete", type=int)
    args = parser.parse_args()

    out = {}
    context = ssl.create_default_context(cafile=args.cafile) if args.tls != "none" else None
    try:
        if args.tls == "implicit":
            pop = poplib.POP3_SSL(args.host, args.port, timeout=30, context=context)
        else:
            pop = poplib.POP3(args.host, args.port, timeout=30)
        out["greeting"] = pop.getwelcome().decode("latin-1")
        if args.tls == "stls":
            out["capa_before_tls"] = capa(pop)
            out["stls"] = pop.stls(context=context).decode("latin-1")
    except ssl.SSLCertVerificationError as e:
        out["tls_error"] = {"verify_code": e.verify_code, "verify_message": e.verify_message}
        json.dump(out, sys.stdout)
        return 4
    if args.tls != "none":
        out["tls"] = tls_info(pop)
    out["capa"] = capa(pop)

    try:
        if args.apop:
            out["login"] = [pop.apop(args.user, args.secret).decode("latin-1")]
        else:
            out["login"] = [pop.user(args.user).decode("latin-1"), pop.pass_(args.secret).decode("latin-1")]
    except poplib.error_proto as e:
        out["login_error"] = e.args[0].decode("latin-1") if isinstance(e.args[0], bytes) else str(e.args[0])
        out["quit"] = pop.quit().decode("latin-1")
        json.dump(out, sys.stdout)
        return 3

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
    if args.delete is not None:
        out["dele"] = pop.dele(args.delete).decode("latin-1")
    out["quit"] = pop.quit().decode("latin-1")
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
