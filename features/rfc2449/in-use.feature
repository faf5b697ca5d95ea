# RFC 2449 §8.1.2 The IN-USE response code: "This occurs on an -ERR response to an AUTH, APOP, or PASS
# command. It indicates the authentication was successful, but the user's maildrop is currently in
# use (probably by another POP3 client)." Response codes are "optional" (§8).
# The same account logged in twice makes the maildrop busy. A server without the exclusive lock of
# RFC 1939 §4 never refuses the second login (reported by features/rfc1939/lock.feature): then there
# is no refusal whose code could be checked, and the scenario is skipped.
# The AUTH code must not describe this refusal either (RFC 3206 §5): features/rfc3206/.
@rfc2449
Feature: The IN-USE response code (RFC 2449 §8.1.2)

  Background:
    Given client A is logged in
    And client B is connected

  @sec-8.1.2 @MAY @req-2449-INUSE-1 @capa-RESP-CODES
  Scenario: A login refused because the maildrop is in use is answered [IN-USE]
    When client B sends "USER ${user}"
    And client B sends "PASS ${pass}"
    Then the server refused the second login to the maildrop in use
    And the response is -ERR with the response code [IN-USE]

  @sec-8.1.2 @MUST @req-2449-INUSE-2
  Scenario: A wrong password is not answered [IN-USE], even while the maildrop is in use
    When client B sends "USER ${user}"
    And client B sends "PASS ${wrong-pass}"
    Then the response is -ERR
    And the response does not carry the response code [IN-USE]
