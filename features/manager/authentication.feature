# docs/manager-protocol.txt §4.2-§4.6: every request carries an HMAC-SHA256 over its id, timestamp
# and command, keyed with the token; the server checks size, header, MAC, freshness and the replay
# cache, in that order, before it looks at the command.
@manager
Feature: Manager request authentication (popcheck-manager/1 §4)

  Background:
    Given the manager is reachable

  @sec-4.2 @MUST @req-MGR-AUTH-3
  Scenario: A request signed with another token is refused and not carried out
    When the admin sends the manager command "ADD ${new-user}:forged" signed with a wrong token
    Then the manager replies -ERR with code "AUTH"
    And the manager reply is unauthenticated
    And the manager reply echoes the request id
    When the admin lists every user through the manager, following next
    Then the manager listing does not contain "${new-user}"

  @sec-4.2 @MUST @req-MGR-AUTH-3
  Scenario: A request whose command was changed after signing is refused
    When the admin sends the manager command "HIST" with its command changed to "STOP" after signing
    Then the manager replies -ERR with code "AUTH"
    And a POP3 client is still greeted with +OK

  @sec-4.2 @MUST @req-MGR-AUTH-3
  Scenario: STOP with another token is refused and the server keeps running
    When the admin sends the manager command "STOP" signed with a wrong token
    Then the manager replies -ERR with code "AUTH"
    And a POP3 client is still greeted with +OK

  @sec-4.3 @MUST @req-MGR-AUTH-4
  Scenario: A request timestamped two minutes ago is stale
    When the admin sends the manager command "HIST" timestamped 120 seconds ago
    Then the manager replies -ERR with code "AUTH/STALE"
    And the manager reply text matches "^server time \d+$"
    And the manager reply is unauthenticated

  @sec-4.3 @MUST @req-MGR-AUTH-4
  Scenario: A request timestamped two minutes ahead is stale
    When the admin sends the manager command "HIST" timestamped 120 seconds ahead
    Then the manager replies -ERR with code "AUTH/STALE"

  @sec-4.3 @MUST @req-MGR-AUTH-4
  Scenario: A request a few seconds off is fresh
    When the admin sends the manager command "HIST" timestamped 20 seconds ago
    Then the manager replies +OK

  @sec-4.6 @MUST @req-MGR-AUTH-1
  Scenario: The seed's unauthenticated commands are no longer accepted
    When the admin sends the manager datagram "USERS 0 (the seed's manager had no authentication)"
    Then the manager replies -ERR with code "MALFORMED"
    And the manager reply is unauthenticated

  @sec-4.6 @MUST @req-MGR-AUTH-1
  Scenario: The MAC is checked before the timestamp
    When the admin sends the manager command "HIST" signed with a wrong token
    Then the manager replies -ERR with code "AUTH"

  @sec-4.5 @MUST @req-MGR-AUTH-9
  Scenario: Positive replies carry a reply MAC that verifies
    When the admin sends the manager command "CAPA"
    Then the manager replies +OK
    And the manager reply is authenticated
