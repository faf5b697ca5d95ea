# docs/manager-protocol.txt §5.1.
@manager
Feature: Manager CAPA (popcheck-manager/1 §5.1)

  Background:
    Given the manager is reachable

  @sec-5.1 @MUST @req-MGR-CMD-CAPA-1
  Scenario: CAPA lists the protocol, its limits, the commands and the settings
    When the admin sends the manager command "CAPA"
    Then the manager replies +OK
    And the manager reply has a line "PROTOCOL popcheck-manager/1"
    And the manager reply has a line "MAX-REQUEST 512"
    And the manager reply has a line "MAX-REPLY 1200"
    And the manager reply has a line "TIME-WINDOW 60"
    And the manager reply has a line matching "^IMPLEMENTATION \S+"
    And the manager reply has a line matching "^COMMANDS CAPA USERS ADD DEL HIST CONC TRANS STATS GET SET STOP$"
    And the manager reply has a line matching "^SETTINGS idle-timeout max-sessions( transform)?$"
