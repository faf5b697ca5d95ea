# docs/manager-protocol.txt §5.11. STOP stops the server under test, so this scenario runs only when
# the runner says so (worldParameter managerAllowStop), alone, and as the last one it runs.
@manager
Feature: Manager STOP (popcheck-manager/1 §5.11)

  @manager-exclusive @manager-stop @sec-5.11 @MUST @req-MGR-CMD-STOP-1
  Scenario: STOP replies, then the server stops
    Given the runner allows stopping the server
    And the manager is reachable
    When the admin sends the manager command "STOP"
    Then the manager replies +OK
    And the manager reply text is "stopping"
    And the POP3 server stops accepting connections
