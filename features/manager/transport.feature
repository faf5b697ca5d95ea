# docs/manager-protocol.txt §3: UDP, one request per datagram, one reply per request, the reply
# carries the request id, keywords are case-insensitive, -ERR always has a response code, requests
# are at most 512 octets and replies at most 1200.
@manager
Feature: Manager transport and message format (popcheck-manager/1 §3)

  Background:
    Given the manager is reachable

  @sec-3.1 @sec-3.3 @MUST @req-MGR-MSG-1 @req-MGR-MSG-3
  Scenario: A request gets one reply datagram that echoes its id
    When the admin sends the manager command "HIST"
    Then the manager replies +OK
    And the manager reply echoes the request id
    And the manager reply is authenticated

  @sec-3.1 @MUST @req-MGR-MSG-2
  Scenario: One datagram gets at most one reply
    When the admin sends the manager datagram "this is not a request, but it is long enough to be answered"
    Then the manager replies -ERR with code "MALFORMED"

  @sec-3.2 @MUST @req-MGR-MSG-4
  Scenario Outline: Keywords are case-insensitive: "<command>"
    When the admin sends the manager command "<command>"
    Then the manager replies +OK

    Examples:
      | command |
      | capa    |
      | Hist    |
      | cOnC    |
      | stats   |

  @sec-3.3 @MUST @req-MGR-MSG-5
  Scenario: An unknown command gets -ERR with a response code
    When the admin sends the manager command "FROB"
    Then the manager replies -ERR with code "SYNTAX"
    And the manager reply is authenticated

  @sec-3.4 @MUST @req-MGR-MSG-6
  Scenario: A signed request over 512 octets is refused as too big, unparsed
    When the admin sends the manager command "SET transform" padded to 600 octets
    Then the manager replies -ERR with code "TOO-BIG"
    And the manager reply is unauthenticated
    And the manager reply is no longer than the datagram sent

  @sec-3.4 @MUST @req-MGR-MSG-6
  Scenario: A datagram far over the limit is refused as too big
    When the admin sends a manager datagram of 9000 random octets
    Then the manager replies -ERR with code "TOO-BIG"

  @sec-3.4 @MUST @req-MGR-MSG-7
  Scenario Outline: Replies fit in one datagram of 1200 octets: <command>
    When the admin sends the manager command "<command>"
    Then the manager replies +OK
    And the manager reply fits in one datagram of 1200 octets

    Examples:
      | command |
      | CAPA    |
      | USERS   |
      | STATS   |
      | GET     |
