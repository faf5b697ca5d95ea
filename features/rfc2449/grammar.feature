# RFC 2449 §3 General Command and Response Grammar:
#   single-line = status [SP text] CRLF          ;512 octets maximum
#   status      = "+OK" / "-ERR"
#   greeting    = "+OK" [resp-code] *gchar [timestamp] *gchar CRLF   ;512 octets maximum
#   gchar       = %x21-3B / %x3D-7F               ;printable ASCII, excluding "<"
#   timestamp   = "<" *VCHAR ">"                  ;MUST conform to RFC-822 msg-id
#   resp-code   = "[" resp-level *("/" resp-level) "]"
#   text        = *schar / resp-code *CHAR
@rfc2449
Feature: The response grammar of RFC 2449 §3

  @sec-3 @MUST @req-2449-GRAM-1
  Scenario: The status is followed by a single space and text, or by CRLF
    Given the client is connected
    When the client sends "XYZZ"
    And the client sends "USER ${user}"
    And the client sends "PASS ${wrong-pass}"
    And the client logs in
    And the client sends "STAT"
    And the client sends "LIST"
    And the client sends "NOOP"
    And the client sends "RETR 999999"
    And the client sends "RSET"
    And the client sends "QUIT"
    Then every status indicator in the scenario is followed by a single space or by CRLF

  @sec-3 @MUST @req-2449-GRAM-2
  Scenario: The greeting is "+OK", text in which "<" only opens a timestamp, and CRLF
    When the client connects
    Then the greeting follows the greeting grammar

  @sec-3 @MUST @req-2449-GRAM-3
  Scenario: The timestamp in the greeting is an RFC 822 msg-id
    Given the greeting holds an APOP timestamp
    Then the timestamp looks like an RFC 822 msg-id "<local-part@domain>"
