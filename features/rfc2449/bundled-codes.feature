# Behaviour that needs the server configured in a particular way. These scenarios start a
# private instance of the bundled reference server (its settings are `popcheck server` flags; a
# failing store stands in for a broken disk) and run only when the target is the bundled server.
# RFC 2449 §6.5 LOGIN-DELAY: "Servers which advertise LOGIN-DELAY SHOULD enforce it." §8.1.1: "This
# occurs on an -ERR response to an AUTH, USER (see note), PASS or APOP command and indicates that the
# user has logged in recently ... it is strongly recommended that the server not issue this
# response code to the USER command."
# (The SYS codes of RFC 3206 §4, on a failing bundled store, are in features/rfc3206/.)
@rfc2449
Feature: Login delay, on a configured bundled server (RFC 2449 §6.5, §8.1.1)

  @sec-6.5 @MUST @req-2449-LOGINDELAY-1 @bundled
  Scenario: LOGIN-DELAY is announced with its number of seconds in both states
    Given the bundled server runs with a login delay of 60 seconds
    And the client is connected
    When the client asks for the capabilities
    And the client logs in
    And the client asks for the capabilities
    Then the LOGIN-DELAY capability has a valid value before and after login

  @sec-6.5 @SHOULD @req-2449-LOGINDELAY-2 @bundled
  Scenario: A second login within the login delay is refused
    Given the bundled server runs with a login delay of 60 seconds
    And client A is logged in
    When client A sends "QUIT"
    And client B connects
    And client B sends "USER ${user}"
    And client B sends "PASS ${pass}"
    Then the response is -ERR

  @sec-8.1.1 @MUST @req-2449-LOGINDELAY-7 @bundled
  Scenario: A login refused for the login delay is answered [LOGIN-DELAY]
    Given the bundled server runs with a login delay of 60 seconds
    And client A is logged in
    When client A sends "QUIT"
    And client B connects
    And client B sends "USER ${user}"
    And client B sends "PASS ${pass}"
    Then the response is -ERR with the response code [LOGIN-DELAY]
    And every response code in the scenario is valid for its command and status

  @sec-8.1.1 @SHOULD @req-2449-LOGINDELAY-8 @bundled
  Scenario: USER is not answered [LOGIN-DELAY]
    Given the bundled server runs with a login delay of 60 seconds
    And client A is logged in
    When client A sends "QUIT"
    And client B connects
    And client B sends "USER ${user}"
    Then the response does not carry the response code [LOGIN-DELAY]
