# docs/manager-protocol.txt §4.4: a request is valid once; a retry of the very same datagram from
# the same socket gets the first reply again instead of running the command twice.
@manager
Feature: Manager replay protection and retries (popcheck-manager/1 §4.4)

  Background:
    Given the manager is reachable

  @sec-4.4 @MUST @req-MGR-REPLAY-1
  Scenario: A retried ADD gets the cached +OK, not [EXISTS]
    When the admin sends the manager command "ADD ${new-user}:pw"
    Then the manager replies +OK
    When the admin sends the same manager datagram again
    Then the manager replies +OK
    And the manager reply is identical to the previous one, octet for octet
    When the admin sends the manager command "ADD ${new-user}:pw"
    Then the manager replies -ERR with code "EXISTS"

  @sec-4.4 @MUST @req-MGR-REPLAY-1
  Scenario: A retried DEL gets the cached +OK, not [NO-USER]
    Given the admin sends the manager command "ADD ${new-user}:pw"
    When the admin sends the manager command "DEL ${new-user}"
    Then the manager replies +OK
    When the admin sends the same manager datagram again
    Then the manager reply is identical to the previous one, octet for octet

  @sec-4.4 @MUST @req-MGR-REPLAY-2
  Scenario: A captured request sent again from another socket is refused, without amplification
    When the admin sends the manager command "USERS"
    And the admin sends the same manager datagram again from another socket
    Then the manager replies -ERR with code "AUTH/REPLAY"
    And the manager reply is unauthenticated
    And the manager reply is no longer than the datagram sent

  @sec-4.4 @MUST @req-MGR-REPLAY-3
  Scenario: An id reused for another command is refused
    When the admin sends the manager command "HIST"
    And the admin sends the manager command "DEL ${new-user}" reusing the last request id
    Then the manager replies -ERR with code "AUTH/REPLAY"
