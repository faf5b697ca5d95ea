# RFC 1939 §4 The AUTHORIZATION State: "Once the POP3 server has determined through the use of any
# authentication command that the client should be given access to the appropriate maildrop, the
# POP3 server then acquires an exclusive-access lock on the maildrop, as necessary to prevent
# messages from being modified or removed before the session enters the UPDATE state. ... If the
# maildrop cannot be opened for some reason (for example, a lock can not be acquired, the client is
# denied access to the appropriate maildrop, or the maildrop cannot be parsed), the POP3 server
# responds with a negative status indicator."
# The same account logged in twice is enough: the second session finds the maildrop locked.
@rfc1939
Feature: The maildrop lock (RFC 1939 §4)

  @sec-4 @MUST @req-1939-LOCK-1 @req-1939-LOCK-2
  Scenario: A second session cannot open a maildrop that another session holds
    Given client A is logged in
    And client B is connected
    When client B sends "USER ${user}"
    And client B sends "PASS ${pass}"
    Then the response is -ERR
    Given the server kept the connection to client B open
    When client B sends "STAT"
    Then the response is -ERR

  @sec-4 @MUST @req-1939-LOCK-1
  Scenario: The first session keeps working while a second one is refused
    Given client A is logged in
    And client B is connected
    When client B sends "USER ${user}"
    And client B sends "PASS ${pass}"
    Then the response is -ERR
    When client A sends "STAT"
    Then the response is +OK
    When client A sends "NOOP"
    Then the response is +OK
