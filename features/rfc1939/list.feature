# RFC 1939 §5, LIST [msg]: "If an argument was given and the POP3 server issues a positive response
# with a line containing information for that message. This line is called a "scan listing" for
# that message. If no argument was given and the POP3 server issues a positive response, then the
# response given is multi-line. After the initial +OK, for each message in the maildrop, the POP3
# server responds with a line containing information for that message. ... If there are no
# messages in the maildrop, then the POP3 server responds with no scan listings--it issues a
# positive response followed by a line containing a termination octet and a CRLF pair.
# ... A scan listing consists of the message-number of the message, followed by a single space and
# the exact size of the message in octets. ... Minimal implementations should just end that line
# of the response with a CRLF pair. ... Note that messages marked as deleted are not listed."
# Possible Responses: "+OK scan listing follows", "-ERR no such message".
@rfc1939
Feature: LIST (RFC 1939 §5)

  @sec-5 @MUST @req-1939-LIST-1
  Scenario: LIST without an argument lists every message, one line each
    Given the client is logged in
    When the client sends "STAT"
    And the client sends "LIST"
    Then the response is +OK
    And the scan listing has one line per message, numbered from 1 in order

  @sec-5 @MUST @req-1939-LIST-2
  Scenario: Each scan listing is the message number, a single space and the size
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "LIST"
    Then every scan listing is a message number, a single space and a size in octets

  @sec-5 @MUST @req-1939-LIST-2 @fixtures
  Scenario: The scan listings give the exact size of each fixture message
    Given the client is logged in
    When the client sends "LIST"
    Then the scan listing gives each message the size of its fixture

  @sec-5 @SHOULD @req-1939-LIST-3
  Scenario: Nothing follows the size in a scan listing
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "LIST"
    And the client sends "LIST 1"
    Then every scan listing in the scenario has nothing after the size

  @sec-5 @MUST @req-1939-LIST-4
  Scenario: With every message marked as deleted, LIST answers +OK and an empty listing
    Given the client is logged in
    And the maildrop holds at least 1 message
    And the client has marked every message as deleted
    When the client sends "LIST"
    Then the response is +OK
    And the body is empty

  @sec-5 @MUST @req-1939-LIST-5
  Scenario: LIST with a message number answers with that message's scan listing
    Given the client is logged in
    And the maildrop holds at least 2 messages
    When the client sends "LIST"
    And the client sends "LIST 2"
    Then the response is the scan listing of message 2 given by LIST

  @sec-5 @MUST @req-1939-LIST-6
  Scenario: Messages marked as deleted are not listed
    Given the client is logged in
    And the maildrop holds at least 2 messages
    And the client has marked message 1 as deleted
    When the client sends "LIST"
    Then the scan listing does not list message 1
    And the scan listing lists message 2

  @sec-5 @MUST @req-1939-LIST-7
  Scenario: LIST for a message that does not exist gets -ERR
    Given the client is logged in
    When the client sends "LIST 999999"
    Then the response is -ERR
