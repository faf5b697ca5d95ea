# RFC 1939 §3 Basic Operation: "Responses in the POP3 consist of a status indicator and a keyword
# possibly followed by additional information. All responses are terminated by a CRLF pair.
# Responses may be up to 512 characters long, including the terminating CRLF. There are currently
# two status indicators: positive ("+OK") and negative ("-ERR"). Servers MUST send the "+OK" and
# "-ERR" in upper case."
# "Responses to certain commands are multi-line. ... any additional lines are sent, each terminated
# by a CRLF pair. When all lines of the response have been sent, a final line is sent, consisting
# of a termination octet (decimal code 046, ".") and a CRLF pair. If any line of the multi-line
# response begins with the termination octet, the line is "byte-stuffed" by pre-pending the
# termination octet to that line of the response."
@rfc1939
Feature: The response grammar (RFC 1939 §3)
  Every reply of a varied session, positive and negative, single- and multi-line, is checked
  against the rules of §3.

  Background:
    Given the client is logged in
    When the client sends "STAT"
    And the client sends "LIST"
    And the client sends "NOOP"
    And the client sends "LIST 999999"
    And the client sends "RETR 999999"
    And the client sends "XYZZ"
    And the client sends "UIDL"
    And the client sends "RSET"

  @sec-3 @MUST @req-1939-RESP-4
  Scenario: Every response begins with a status indicator
    Then every response in the scenario begins with a status indicator

  @sec-3 @MUST @req-1939-RESP-3
  Scenario: Status indicators are sent in upper case
    Then every status indicator in the scenario is "+OK" or "-ERR" in upper case

  @sec-3 @MUST @req-1939-RESP-1
  Scenario: Every response line ends with CRLF
    Then every response line in the scenario ends with CRLF

  @sec-3 @MUST @req-1939-RESP-2
  Scenario: No response line is longer than 512 octets with its CRLF
    When the client sends a XYZZ command of 255 octets
    And the client sends a LIST command of 255 octets
    Then no response line in the scenario is longer than 512 octets

  @sec-3 @MUST @req-1939-MULTI-1
  Scenario: A multi-line response is CRLF lines ended by a line holding only "."
    Then every multi-line response in the scenario is made of lines ending with CRLF
    And every multi-line response in the scenario ends with a line holding only "." and CRLF

  @sec-3 @MUST @req-1939-MULTI-2 @fixtures
  Scenario: Lines that begin with "." are byte-stuffed in a multi-line response
    When the client sends "RETR 2"
    Then the response is +OK
    And the body is byte-stuffed on the wire
    And the body equals fixture message 2
