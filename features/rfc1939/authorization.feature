# RFC 1939 §4 The AUTHORIZATION State: "a POP3 server must of course support at least one
# authentication mechanism." "If the lock is successfully acquired, the POP3 server responds with a
# positive status indicator. The POP3 session now enters the TRANSACTION state, with no messages
# marked as deleted." "After returning a negative status indicator, the server may close the
# connection. If the server does not close the connection, the client may either issue a new
# authentication command and start again, or the client may issue the QUIT command."
# QUIT in the AUTHORIZATION state: "Possible Responses: +OK". §6: "if the client issues the QUIT
# command from the AUTHORIZATION state, the POP3 session terminates but does NOT enter the UPDATE
# state."
# §7 USER name, PASS string, APOP name digest; §13 Security Considerations.
@rfc1939
Feature: The AUTHORIZATION state: USER, PASS, APOP and QUIT (RFC 1939 §4, §6, §7, §13)

  @sec-4 @MUST @req-1939-AUTH-1 @req-1939-AUTH-2
  Scenario: USER and PASS with the right password log in and enter the TRANSACTION state
    Given the client is connected
    When the client logs in
    Then the response is +OK
    When the client sends "STAT"
    Then the response is +OK

  @sec-7 @MUST @req-1939-PASS-2
  Scenario: A wrong password is refused and the session stays in the AUTHORIZATION state
    Given the client is connected
    When the client sends "USER ${user}"
    And the client sends "PASS ${wrong-pass}"
    Then the response is -ERR
    Given the server kept the connection open
    When the client sends "STAT"
    Then the response is -ERR

  @sec-7 @MUST @req-1939-PASS-2
  Scenario: An unknown user cannot log in
    Given the client is connected
    When the client sends "USER ${unknown-user}"
    And the client sends "PASS ${pass}" unless USER was refused
    Then the last response is -ERR

  @sec-7 @MUST @req-1939-USER-1
  Scenario: After a failed PASS the client can start again with USER
    Given the client is connected
    When the client sends "USER ${user}"
    And the client sends "PASS ${wrong-pass}"
    Then the response is -ERR
    Given the server kept the connection open
    When the client logs in
    Then the response is +OK

  @sec-4 @MAY @req-1939-AUTH-4
  Scenario: After a failed login the server either closes the connection or still answers QUIT
    Given the client is connected
    When the client sends "USER ${user}"
    And the client sends "PASS ${wrong-pass}"
    Then the response is -ERR
    And the server either closed the connection or answers "QUIT" with +OK

  @sec-4 @MUST @req-1939-AUTH-3 @req-1939-DELE-3
  Scenario: A new session starts with no messages marked as deleted
    Given the client is logged in
    And the maildrop holds at least 1 message
    And the client notes the reply to "STAT"
    And the client has marked message 1 as deleted
    When the client closes the connection without QUIT
    And client B logs in
    Then client B gets the same reply to "STAT" as noted
    When client B sends "RETR 1"
    Then the response is +OK

  @sec-4 @MUST @req-1939-QUIT-1
  Scenario: QUIT before login is answered +OK
    Given the client is connected
    When the client sends "QUIT"
    Then the response is +OK

  @sec-4 @MUST @req-1939-QUIT-1
  Scenario: QUIT between USER and PASS is answered +OK
    Given the client is connected
    When the client sends "USER ${user}"
    And the client sends "QUIT"
    Then the response is +OK

  @sec-6 @MUST @req-1939-QUIT-2
  Scenario: QUIT before login ends the session: the server closes the connection
    Given the client is connected
    When the client sends "QUIT"
    Then the server closes the connection

  @sec-7 @MUST @req-1939-APOP-2
  Scenario: The APOP timestamp in the greeting is an RFC 822 msg-id
    Given the greeting holds an APOP timestamp
    Then the timestamp looks like an RFC 822 msg-id "<local-part@domain>"

  @sec-7 @MUST @req-1939-APOP-3
  Scenario: The APOP timestamp is different in every greeting
    Given the greeting holds an APOP timestamp
    When client B connects
    And client C connects
    Then the greetings of the client, client B and client C hold three different timestamps

  @sec-7 @MUST @req-1939-APOP-5
  Scenario: APOP with a wrong digest is refused and the session stays in AUTHORIZATION
    Given the greeting holds an APOP timestamp
    When the client sends "APOP ${user} 0123456789abcdef0123456789abcdef"
    Then the response is -ERR
    Given the server kept the connection open
    When the client sends "STAT"
    Then the response is -ERR

  @sec-7 @MUST @req-1939-APOP-1 @req-1939-APOP-4
  Scenario: APOP with the right digest logs in and enters the TRANSACTION state
    Given the greeting holds an APOP timestamp
    When the client logs in with APOP, the password being the shared secret
    Then the response is +OK
    When the client sends "STAT"
    Then the response is +OK

  @sec-13 @SHOULD @req-1939-APOP-6
  Scenario: A user who logs in with USER and PASS cannot also log in with APOP
    Given the greeting holds an APOP timestamp
    When the client tries APOP, the password being the shared secret
    Then APOP is refused
