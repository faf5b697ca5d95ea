# docs/manager-protocol.txt §5.5-§5.8, §8.1: the seed's HIST, CONC and TRANS, and STATS.
@manager
Feature: Manager metrics (popcheck-manager/1 §5.5-§5.8)

  Background:
    Given the manager is reachable

  @sec-5.5 @MUST @req-MGR-CMD-HIST-1
  Scenario: HIST counts POP3 sessions started
    Given the manager counter HIST is noted
    When a POP3 client connects and quits
    Then the manager counter HIST has grown by at least 1

  @sec-5.6 @MUST @req-MGR-CMD-CONC-1
  Scenario: CONC counts the POP3 sessions open now
    Given a POP3 client holds a session open
    Then the manager counter CONC is at least 1

  @sec-5.7 @MUST @req-MGR-CMD-TRANS-1
  Scenario: TRANS counts the octets sent to POP3 clients
    Given the manager counter TRANS is noted
    When a POP3 client connects and quits
    Then the manager counter TRANS has grown by at least 10

  @sec-5.8 @MUST @req-MGR-CMD-STATS-1
  Scenario: STATS lists every metric as key=value
    When the admin sends the manager command "STATS"
    Then the manager replies +OK
    And every line of the manager reply is key=value
    And the manager reply has the keys "uptime, since, sessions.current, sessions.total, bytes.sent, messages.retrieved, messages.deleted, auth.failures, logins, commands.total"

  @sec-5.8 @MUST @req-MGR-CMD-STATS-1
  Scenario: STATS counts failed POP3 logins and commands
    Given the manager statistic auth.failures is noted
    And the manager statistic commands.total is noted
    When a POP3 client fails to log in
    Then the manager statistic auth.failures has grown by at least 1
    And the manager statistic commands.total has grown by at least 3

  @sec-5.5 @MUST @req-MGR-CMD-HIST-1
  Scenario Outline: <command> is a single number
    When the admin sends the manager command "<command>"
    Then the manager replies +OK
    And the manager reply is a single line
    And the manager reply text matches "^\d+$"

    Examples:
      | command |
      | HIST    |
      | CONC    |
      | TRANS   |
