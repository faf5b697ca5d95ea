# Behaviour that needs the server configured or failing in a particular way. These scenarios start a
# private instance of the bundled reference server (its settings are `popcheck server` flags; a
# failing store stands in for a broken disk) and run only when the target is the bundled server.
# RFC 2449 §6.5 LOGIN-DELAY: "Servers which advertise LOGIN-DELAY SHOULD enforce it." §8.1.1: "This
# occurs on an -ERR response to an AUTH, USER (see note), PASS or APOP command and indicates that the
# user has logged in recently ... it is strongly recommended that the server not issue this
# response code to the USER command."
# RFC 3206 §4: "SYS/TEMP indicates a problem which is likely to be temporary in nature ... SYS/PERM is
# used for problems which are unlikely to be resolved without intervention."
@rfc2449
Feature: Login delay and system errors, on a configured bundled server (RFC 2449 §6.5, §8.1.1; RFC 3206 §4)

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

  @sec-8 @MAY @req-2449-CODE-1 @req-3206-SYS-1 @bundled
  Scenario: A temporary failure to open the maildrop is answered [SYS/TEMP]
    Given the bundled server runs on a store that fails temporarily
    And the client is connected
    When the client sends "USER ${user}"
    And the client sends "PASS ${pass}"
    Then the response is -ERR with the response code [SYS/TEMP]
    And every response code in the scenario is valid for its command and status

  @sec-8 @MAY @req-2449-CODE-1 @req-3206-SYS-2 @bundled
  Scenario: A permanent failure to open the maildrop is answered [SYS/PERM]
    Given the bundled server runs on a store that fails permanently
    And the client is connected
    When the client sends "USER ${user}"
    And the client sends "PASS ${pass}"
    Then the response is -ERR with the response code [SYS/PERM]
    And every response code in the scenario is valid for its command and status
