@interop @mpop
Feature: Interop: mpop fetches mail from the reference server
  mpop runs with plaintext USER/PASS on loopback (--tls=off --auth=user), delivers to a Maildir
  and keeps the mail on the server. mpop writes CRLF as LF (a bare CR inside a line is kept) and
  adds one Received: field at the top; nothing else changes.

  Background:
    Given the interop reference server runs over a fresh copy of the demo maildrops

  Scenario: mpop delivers every fixture message byte for byte and keeps them; a second run fetches nothing (UIDL)
    When interop mpop fetches the mail of alice into a Maildir, keeping it on the server, run 1
    Then every fixture message arrived through interop mpop with LF line ends, apart from the added header fields "Received"
    And the interop maildrop of alice still holds every fixture message
    When interop mpop fetches the mail of alice into a Maildir, keeping it on the server, run 2
    Then interop mpop run 2 fetched no message
