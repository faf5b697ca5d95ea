# RFC 1939 §6 The UPDATE State: "When the client issues the QUIT command from the TRANSACTION state,
# the POP3 session enters the UPDATE state. ... If a session terminates for some reason other than a
# client-issued QUIT command, the POP3 session does NOT enter the UPDATE state and MUST not remove
# any messages from the maildrop."
# QUIT: "The POP3 server removes all messages marked as deleted from the maildrop and replies as to
# the status of this operation. ... In no case may the server remove any messages not marked as
# deleted. Whether the removal was successful or not, the server then releases any exclusive-access
# lock on the maildrop and closes the TCP connection."
# §8: "It is important not to delete messages in the event of abnormal connection termination (ie,
# if no QUIT was received from the client)".
@rfc1939
Feature: QUIT and the UPDATE state (RFC 1939 §6, §8)

  @sec-6 @MUST @req-1939-UPDATE-4
  Scenario: QUIT from TRANSACTION is answered, then the server closes the connection
    Given the client is logged in
    When the client sends "QUIT"
    Then the response is +OK
    And the server closes the connection

  @sec-6 @MUST @req-1939-UPDATE-4
  Scenario: After QUIT the maildrop lock is released: a new session can log in
    Given client A is logged in
    When client A sends "QUIT"
    Then the response is +OK
    When client B logs in
    Then the response is +OK

  @sec-6 @MUST @req-1939-UPDATE-1 @req-1939-DELE-3
  Scenario: A session that ends without QUIT removes nothing, even messages marked as deleted
    Given the client is logged in
    And the maildrop holds at least 2 messages
    And the client notes the reply to "STAT"
    And the client notes the reply to "LIST"
    And the client has marked message 1 as deleted
    And the client has marked message 2 as deleted
    When the client closes the connection without QUIT
    And client B logs in
    Then client B gets the same reply to "STAT" as noted
    And client B gets the same reply to "LIST" as noted

  @sec-8 @SHOULD @req-1939-OPS-1
  Scenario: A message retrieved in a session that ends without QUIT stays in the maildrop
    Given the client is logged in
    And the maildrop holds at least 1 message
    And the client notes the reply to "STAT"
    And the client notes the reply to "RETR 1"
    When the client closes the connection without QUIT
    And client B logs in
    Then client B gets the same reply to "STAT" as noted
    And client B gets the same reply to "RETR 1" as noted

  @sec-6 @MUST @req-1939-UPDATE-2 @fixtures @destructive
  Scenario: QUIT removes the messages marked as deleted
    Given the client is logged in
    And the client has marked message 1 as deleted
    When the client sends "QUIT"
    Then the response is +OK
    And the server closes the connection
    When client B logs in
    And client B sends "STAT"
    Then the drop listing counts 8 messages
    When client B sends "RETR 1"
    Then the body equals fixture message 2

  @sec-6 @MUST @req-1939-UPDATE-3 @fixtures @destructive
  Scenario: QUIT removes no message that was not marked as deleted
    Given the client is logged in
    And the client has marked message 2 as deleted
    And the client has marked message 5 as deleted
    When the client sends "QUIT"
    Then the response is +OK
    When client B logs in
    Then the messages of client B's maildrop are fixture messages 1, 3, 4, 6, 7, 8 and 9 in that order
