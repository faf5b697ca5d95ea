@interop @curl
Feature: Interop: curl talks POP3 to the reference server
  curl writes a multi-line answer un-stuffed, from the octet after the status line up to and
  including the CRLF before the ".CRLF" terminator: for RETR that is the stored message with line
  ends made CRLF, plus one CRLF only where the stored message does not end in a line break.
  curl 7.88 logs in with SASL whenever CAPA announces it (here AUTH PLAIN, the strongest of the
  announced mechanisms it implements), else with APOP when the greeting has a timestamp, else with
  USER/PASS. The demo's alice has no APOP secret; the APOP-only user dave (RFC 1939 section 13)
  needs "--login-options AUTH=+APOP" to make curl use APOP.

  Background:
    Given the interop reference server runs over a fresh copy of the demo maildrops

  Scenario: curl retrieves every fixture message in wire form
    When interop curl retrieves every message of alice by number
    Then every interop curl output equals the body of the server's own RETR answer for alice
    And every interop curl output equals the stored message in wire form
    # 04-no-final-newline.eml: the server ends the last line with CRLF (RFC 1939 section 3).
    And the interop curl output of message 4 is its stored bytes plus exactly one CRLF
    # A CRLF message that ends in CRLF, dot lines included, comes out unchanged.
    And the interop curl output of message 2 is exactly its stored bytes
    And every interop curl run logged in with "AUTH PLAIN"

  Scenario Outline: curl -X <command> prints the body of the server's own answer
    When interop curl sends "<command>" for alice
    Then the interop curl output for "<command>" equals the body of the server's own answer for alice

    Examples:
      | command |
      | LIST    |
      | UIDL    |
      | TOP 1 0 |

  Scenario: curl logs in as an APOP-only user with --login-options AUTH=+APOP
    When interop curl retrieves message 1 of dave with --login-options "AUTH=+APOP"
    Then interop curl sent exactly one login command for dave: APOP with the digest of the greeting's timestamp
    # dave's maildrop holds one message, a copy of 01-plain.eml.
    And the interop curl output of message 1 of dave is fixture message 1 in wire form
    # Without the option curl picks SASL PLAIN, which an APOP-only user may not use, and does not fall back.
    When interop curl retrieves message 1 of dave without login options
    Then interop curl was refused after "AUTH PLAIN", exit code 67 (login denied)
