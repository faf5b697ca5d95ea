@interop @tls
Feature: Interop: real clients over TLS (STLS and implicit TLS) to the reference server
  The server runs with a self-signed certificate made for the scenario (EC P-256; names localhost,
  127.0.0.1 and ::1), STLS (RFC 2595) on its plain port and implicit TLS (RFC 8314) on a second
  port, both on 127.0.0.1 only. Every client verifies the certificate, trusting exactly that one
  certificate (never "insecure" switches), and checks the host name: curl for "localhost"
  (--resolve points it at 127.0.0.1); poplib, mpop and getmail6 for the IP address 127.0.0.1;
  fetchmail, which never matches IP addresses, for "localhost" (sslcommonname) while it connects
  to 127.0.0.1. Over TLS the bytes must arrive exactly as over plaintext, with the same client
  conventions as in the plaintext features.

  The plaintext policy (no USER/PASS, PLAIN or LOGIN on an unencrypted connection unless
  --allow-plaintext) trusts loopback, so a client on 127.0.0.1 can always log in in plaintext: the
  last scenario shows that as a client sees it. The refusal on a non-loopback address cannot be
  shown here, where every connection is loopback; it is covered by the server's unit tests
  (src/server/server-tls-auth.test.ts, "plaintext policy").

  Background:
    Given the interop reference server runs with a self-signed certificate over a fresh copy of the demo maildrops

  @curl
  Scenario Outline: curl over <transport> verifies the certificate and retrieves every fixture message in wire form
    When interop curl retrieves every message of alice by number over "<transport>"
    Then every interop curl run verified the certificate for localhost over "<transport>"
    And every interop curl output equals the stored message in wire form
    And every interop curl output equals the body of the server's own RETR answer for alice
    And the interop curl output of message 4 is its stored bytes plus exactly one CRLF

    Examples:
      | transport    |
      | implicit TLS |
      | STLS         |

  @poplib
  Scenario Outline: poplib over <transport> verifies the certificate, retrieves everything and deletes message 3
    When interop poplib runs a session as alice over "<transport>" that deletes message 3
    Then the interop poplib session verified the certificate for 127.0.0.1 over "<transport>"
    And the interop poplib session saw STAT, LIST and UIDL matching the fixture messages of alice
    And the interop poplib session retrieved every fixture message byte for byte
    And the interop poplib session ended with +OK to DELE and QUIT
    And the interop maildrop of alice has lost exactly fixture message 3

    Examples:
      | transport    |
      | implicit TLS |
      | STLS         |

  @mpop
  Scenario Outline: mpop over <transport> verifies the certificate and delivers every fixture message byte for byte
    When interop mpop asks for the server info over "<transport>"
    Then interop mpop reported a TLS session with the certificate's SHA-256 fingerprint over "<transport>"
    When interop mpop fetches the mail of alice into a Maildir over "<transport>", keeping it on the server, run 1
    Then every fixture message arrived through interop mpop with LF line ends, apart from the added header fields "Received"
    And the interop maildrop of alice still holds every fixture message

    Examples:
      | transport    |
      | implicit TLS |
      | STLS         |

  @fetchmail
  Scenario Outline: fetchmail over <transport> verifies the certificate and delivers every fixture message in keep mode
    When interop fetchmail fetches the mail of alice in keep mode over "<transport>", run 1
    Then interop fetchmail run 1 verified the certificate over "<transport>"
    And every fixture message arrived through interop fetchmail with LF-dropping-bare-CR line ends and an empty line ending a header-only message, apart from the added header fields "Received"
    And the interop maildrop of alice still holds every fixture message

    Examples:
      | transport    |
      | implicit TLS |
      | STLS         |

  # getmail6 has no STLS for POP3: implicit TLS only.
  @getmail6
  Scenario: getmail6 over implicit TLS verifies the certificate, delivers every fixture message and empties the maildrop
    When interop getmail6 fetches the mail of alice into a Maildir over "implicit TLS" and deletes it from the server
    Then every fixture message arrived through interop getmail6 with LF-for-bare-CR line ends and an empty line ending a header-only message, apart from the added header fields "Delivered-To, Received"
    And the interop maildrop of alice is empty

  @curl @poplib @mpop
  Scenario: the clients refuse the certificate when they are not told to trust it or it does not name the host
    When interop curl connects over "implicit TLS" trusting only the system CAs
    Then interop curl refused the certificate: exit code 60, nothing retrieved
    When interop curl connects over "STLS" to the certificate as "mail.example"
    Then interop curl refused the certificate: exit code 60, nothing retrieved
    When interop poplib connects over "implicit TLS" trusting only the system CAs
    Then interop poplib refused the certificate: "self-signed certificate"
    When interop mpop connects over "STLS" trusting only the system CAs
    Then interop mpop refused the certificate: "The certificate issuer is unknown"
    When interop mpop connects over "implicit TLS" checking the certificate for "mail.example"
    Then interop mpop refused the certificate: "The name in the certificate does not match the expected"

  @poplib
  Scenario: on loopback a client logs in in plaintext although the server offers TLS (the plaintext policy trusts loopback)
    When interop poplib runs a session as alice over "plaintext" that deletes message 3
    Then the interop poplib session did not use TLS
    And the interop poplib session saw CAPA announce "STLS, USER, SASL PLAIN LOGIN"
    And the interop poplib session logged in with "USER/PASS"
    And the interop poplib session retrieved every fixture message byte for byte
    And the interop poplib session ended with +OK to DELE and QUIT
