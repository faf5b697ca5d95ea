# docs/manager-protocol.txt §5.9, §5.10, §6: runtime settings. Every change is undone after the
# scenario.
@manager
Feature: Manager GET and SET (popcheck-manager/1 §5.9, §5.10, §6)

  Background:
    Given the manager is reachable

  @sec-5.9 @MUST @req-MGR-CMD-GET-1
  Scenario: GET without a name lists every setting as name=value
    When the admin sends the manager command "GET"
    Then the manager replies +OK
    And every line of the manager reply is key=value
    And the manager reply has the keys "idle-timeout, max-sessions"

  @sec-5.9 @MUST @req-MGR-CMD-GET-1
  Scenario: GET with a name, in any case
    When the admin sends the manager command "GET Max-Sessions"
    Then the manager replies +OK
    And the manager reply text matches "^max-sessions=\d+$"

  @sec-5.9 @MUST @req-MGR-CMD-GET-1
  Scenario: GET of an unknown setting is refused with [NO-SETTING]
    When the admin sends the manager command "GET colour"
    Then the manager replies -ERR with code "NO-SETTING"

  # Changes a setting every client sees (other scenarios check it stays put): runs alone.
  @manager-exclusive @sec-5.10 @MUST @req-MGR-CMD-SET-1
  Scenario: SET changes a setting at once
    Given no other client uses the server meanwhile
    And the manager setting max-sessions is noted
    When the admin sets the manager setting max-sessions to its noted value plus 1
    Then the manager replies +OK
    And the manager setting max-sessions is its noted value plus 1

  @sec-6 @sec-5.10 @MUST @req-MGR-SET-1 @req-MGR-CMD-SET-2
  Scenario: idle-timeout below RFC 1939's ten minutes is refused, the setting unchanged
    Given the manager setting idle-timeout is at least 600
    And the manager setting idle-timeout is noted
    When the admin sends the manager command "SET idle-timeout 599"
    Then the manager replies -ERR with code "BAD-VALUE"
    And the manager setting idle-timeout still has its noted value

  @sec-6 @sec-5.10 @MUST @req-MGR-SET-2 @req-MGR-CMD-SET-2
  Scenario Outline: max-sessions out of range is refused: <value>
    Given the manager setting max-sessions is noted
    When the admin sends the manager command "SET max-sessions <value>"
    Then the manager replies -ERR with code "BAD-VALUE"
    And the manager setting max-sessions still has its noted value

    Examples:
      | value   |
      | 0       |
      | 1000001 |
      | -5      |
      | many    |

  @sec-5.10 @MUST @req-MGR-CMD-SET-2
  Scenario: SET of an unknown setting is refused with [NO-SETTING]
    When the admin sends the manager command "SET colour red"
    Then the manager replies -ERR with code "NO-SETTING"

  @sec-5.10 @MUST @req-MGR-CMD-SET-1
  Scenario: An empty transform turns transformation off
    Given the server has the manager setting transform
    And the manager setting transform is noted
    When the admin sends the manager command "SET transform"
    Then the manager replies +OK
    And the manager reply text is "transform="

  # Lowers max-sessions on the server under test for a moment, so it runs only when the runner
  # guarantees that no other scenario uses the server meanwhile (@manager-exclusive).
  @manager-exclusive @sec-6 @sec-5.10 @MUST @req-MGR-SET-2 @req-MGR-CMD-SET-1
  Scenario: max-sessions takes effect for the next connection
    Given no other client uses the server meanwhile
    And a POP3 client holds a session open
    And the manager setting max-sessions is noted
    When the admin sends the manager command "SET max-sessions 1"
    Then the manager replies +OK
    And a second POP3 client is refused with "SYS/TEMP"
