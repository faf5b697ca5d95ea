# RFC 1939 §5, DELE msg: "The POP3 server marks the message as deleted. Any future reference to the
# message-number associated with the message in a POP3 command generates an error. The POP3 server
# does not actually delete the message until the POP3 session enters the UPDATE state."
# Possible Responses: "+OK message deleted", "-ERR no such message".
# NOOP: "The POP3 server does nothing, it merely replies with a positive response."
# RSET: "If any messages have been marked as deleted by the POP3 server, they are unmarked. The POP3
# server then replies with a positive response."
@rfc1939
Feature: DELE, NOOP and RSET (RFC 1939 §5)

  @sec-5 @MUST @req-1939-DELE-1
  Scenario: DELE marks a message as deleted
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "DELE 1"
    Then the response is +OK
    When the client sends "LIST"
    Then the scan listing does not list message 1

  @sec-5 @MUST @req-1939-DELE-4
  Scenario: DELE of a message that does not exist gets -ERR
    Given the client is logged in
    When the client sends "DELE 999999"
    Then the response is -ERR

  @sec-5 @MUST @req-1939-DELE-3 @req-1939-RSET-1
  Scenario: DELE only marks: RSET brings the messages back in the same session
    Given the client is logged in
    And the maildrop holds at least 2 messages
    And the client notes the reply to "STAT"
    And the client notes the reply to "LIST"
    And the client has marked message 1 as deleted
    And the client has marked message 2 as deleted
    When the client sends "RSET"
    Then the response is +OK
    And the client gets the same reply to "STAT" as noted
    And the client gets the same reply to "LIST" as noted
    When the client sends "RETR 1"
    Then the response is +OK

  @sec-5 @MUST @req-1939-RSET-1
  Scenario: RSET with nothing marked as deleted answers +OK and changes nothing
    Given the client is logged in
    And the client notes the reply to "STAT"
    When the client sends "RSET"
    Then the response is +OK
    And the client gets the same reply to "STAT" as noted

  @sec-5 @MUST @req-1939-NOOP-1
  Scenario: NOOP answers +OK and changes nothing
    Given the client is logged in
    And the client notes the reply to "STAT"
    When the client sends "NOOP"
    Then the response is +OK
    And the client gets the same reply to "STAT" as noted
