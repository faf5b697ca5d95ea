# RFC 2449 §8.1.2 The IN-USE response code: "This occurs on an -ERR response to an AUTH, APOP, or PASS
# command. It indicates the authentication was successful, but the user's maildrop is currently in
# use (probably by another POP3 client)." Response codes are "optional" (§8).
# RFC 3206 §5: "The AUTH response code informs the client that there is a problem with the user's
# credentials"; a locked maildrop is another problem. The same account logged in twice makes the
# maildrop busy.
@rfc2449
Feature: The IN-USE response code (RFC 2449 §8.1.2, RFC 3206 §5)

  Background:
    Given client A is logged in
    And client B is connected

  @sec-8.1.2 @MAY @req-2449-INUSE-1 @capa-RESP-CODES
  Scenario: A login refused because the maildrop is in use is answered [IN-USE]
    When client B sends "USER ${user}"
    And client B sends "PASS ${pass}"
    Then the response is -ERR with the response code [IN-USE]

  @sec-8.1.2 @MUST @req-2449-INUSE-2
  Scenario: A wrong password is not answered [IN-USE], even while the maildrop is in use
    When client B sends "USER ${user}"
    And client B sends "PASS ${wrong-pass}"
    Then the response is -ERR
    And the response does not carry the response code [IN-USE]

  @sec-8 @MUST @req-2449-CODE-1 @req-3206-AUTH-1
  Scenario: A login refused because the maildrop is in use is not answered [AUTH]
    When client B sends "USER ${user}"
    And client B sends "PASS ${pass}"
    Then the response is -ERR
    And the response does not carry the response code [AUTH]
