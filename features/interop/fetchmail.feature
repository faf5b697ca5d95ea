@interop @fetchmail
Feature: Interop: fetchmail fetches mail from the reference server
  fetchmail runs from a run-control file with "protocol pop3 auth password uidl", sslproto ''
  (plaintext on loopback) and keep; it hands each message to an MDA
  (scripts/interop/deliver-to-dir.sh) that stores stdin unchanged. What fetchmail hands the MDA:
  one Received: field added at the top; CRLF made LF; a bare CR inside a line dropped (fixture 02's
  ".<CR>this line..." arrives as ".this line..."); and an empty line appended to a message that has
  no header/body separator (fixture 08). In keep mode it reads messages with TOP n 99999999 rather
  than RETR, so the server's TOP must return whole messages.

  Background:
    Given the interop reference server runs over a fresh copy of the demo maildrops

  Scenario: fetchmail in keep mode delivers every fixture message; a second run fetches nothing new (UIDL)
    When interop fetchmail fetches the mail of alice in keep mode, run 1
    Then every fixture message arrived through interop fetchmail with LF-dropping-bare-CR line ends and an empty line ending a header-only message, apart from the added header fields "Received"
    And the interop maildrop of alice still holds every fixture message
    When interop fetchmail fetches the mail of alice in keep mode, run 2
    Then interop fetchmail run 2 fetched no message
    And the interop maildrop of alice still holds every fixture message
