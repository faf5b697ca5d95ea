@interop @curl
Feature: Interop: curl talks POP3 to the reference server
  curl writes a multi-line answer un-stuffed, from the octet after the status line up to and
  including the CRLF before the ".CRLF" terminator: for RETR that is the stored message with line
  ends made CRLF, plus one CRLF only where the stored message does not end in a line break.
  curl logs in with APOP when the greeting offers a timestamp, so this covers APOP too.

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

  Scenario Outline: curl -X <command> prints the body of the server's own answer
    When interop curl sends "<command>" for alice
    Then the interop curl output for "<command>" equals the body of the server's own answer for alice

    Examples:
      | command |
      | LIST    |
      | UIDL    |
      | TOP 1 0 |
