# docs/manager-protocol.txt §5.2-§5.4: USERS lists names only; ADD makes a user who can log in at
# once; DEL stops new logins.
@manager
Feature: Manager USERS, ADD and DEL (popcheck-manager/1 §5.2-§5.4)

  Background:
    Given the manager is reachable

  @sec-5.2 @MUST @req-MGR-CMD-USERS-1
  Scenario: USERS lists names, never passwords
    Given the admin sends the manager command "ADD ${new-user}:pw-Secret-4711"
    When the admin lists every user through the manager, following next
    Then the manager listing contains "${new-user}"
    And no line of any manager reply contains "pw-Secret-4711"

  @sec-5.3 @MUST @req-MGR-CMD-ADD-1
  Scenario: A user added through the manager can log in over POP3 at once
    When the admin sends the manager command "ADD ${new-user}:s3cret: with spaces"
    Then the manager replies +OK
    And the manager reply text is "added ${new-user}"
    And "${new-user}" can log in over POP3 with password "s3cret: with spaces"

  @sec-5.3 @MUST @req-MGR-CMD-ADD-2
  Scenario: ADD of an existing user is refused with [EXISTS]
    Given the admin sends the manager command "ADD ${new-user}:one"
    When the admin sends the manager command "ADD ${new-user}:two"
    Then the manager replies -ERR with code "EXISTS"
    And "${new-user}" can log in over POP3 with password "one"

  @sec-5.3 @MUST @req-MGR-CMD-ADD-1
  Scenario Outline: ADD refuses a bad user name or password: <what>
    When the admin sends the manager command "<command>"
    Then the manager replies -ERR with code "SYNTAX"

    Examples:
      | what                | command          |
      | no colon            | ADD nocolon      |
      | empty name          | ADD :pw          |
      | empty password      | ADD mgr-x:       |
      | name with a slash   | ADD ../etc:pw    |
      | name starting "."   | ADD .hidden:pw   |

  @sec-5.4 @MUST @req-MGR-CMD-DEL-1
  Scenario: A user removed through the manager can no longer log in
    Given the admin sends the manager command "ADD ${new-user}:pw"
    And "${new-user}" can log in over POP3 with password "pw"
    When the admin sends the manager command "DEL ${new-user}"
    Then the manager replies +OK
    And the manager reply text is "removed ${new-user}"
    And "${new-user}" cannot log in over POP3 with password "pw"

  @sec-5.4 @MUST @req-MGR-CMD-DEL-2
  Scenario: DEL of an unknown user is refused with [NO-USER]
    When the admin sends the manager command "DEL ${new-user}"
    Then the manager replies -ERR with code "NO-USER"
