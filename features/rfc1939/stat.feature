# RFC 1939 §5, STAT: "The POP3 server issues a positive response with a line containing
# information for the maildrop. This line is called a "drop listing" for that maildrop. In order to
# simplify parsing, all POP3 servers are required to use a certain format for drop listings. The
# positive response consists of "+OK" followed by a single space, the number of messages in the
# maildrop, a single space, and the size of the maildrop in octets. This memo makes no requirement
# on what follows the maildrop size. Minimal implementations should just end that line of the
# response with a CRLF pair. ... Note that messages marked as deleted are not counted in either
# total."
@rfc1939
Feature: STAT (RFC 1939 §5)

  @sec-5 @MUST @req-1939-STAT-1
  Scenario: STAT answers with a drop listing: "+OK", the number of messages, the size in octets
    Given the client is logged in
    When the client sends "STAT"
    Then the response is a drop listing

  @sec-5 @SHOULD @req-1939-STAT-2
  Scenario: Nothing follows the size in the drop listing
    Given the client is logged in
    When the client sends "STAT"
    Then the drop listing has nothing after the size

  @sec-5 @MUST @req-1939-STAT-3
  Scenario: Messages marked as deleted are not counted in either total
    Given the client is logged in
    And the maildrop holds at least 2 messages
    And the client notes the reply to "STAT"
    And the client notes the reply to "LIST 1"
    When the client sends "DELE 1"
    And the client sends "STAT"
    Then the drop listing counts 1 message fewer than noted, and the octets of message 1 fewer

  @sec-5 @MUST @req-1939-STAT-4
  Scenario: The size of the maildrop is the sum of the sizes of its messages
    Given the client is logged in
    When the client sends "STAT"
    And the client sends "LIST"
    Then the drop listing gives the number of scan listings and the sum of their sizes

  @sec-5 @MUST @req-1939-STAT-4 @fixtures
  Scenario: The drop listing of the fixture maildrop counts its messages and their exact size
    Given the client is logged in
    When the client sends "STAT"
    Then the drop listing counts the fixture messages and their total size

  @sec-5 @MUST @req-1939-TRANS-1
  Scenario: STAT may be given repeatedly and answers the same each time
    Given the client is logged in
    And the client notes the reply to "STAT"
    Then the client gets the same reply to "STAT" as noted
    And the client gets the same reply to "STAT" as noted
