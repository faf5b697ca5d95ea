@rfc2449 @sec-5
Feature: Capabilities

  @MAY @capa-TOP @req-2449-TOP-1
  Scenario: TOP gives the header when advertised
    Given the server advertises TOP
    And a logged-in session
    Then "TOP 1 0" answers +OK

  @MAY @capa-UIDL @req-2449-UIDL-1
  Scenario: UIDL works and is advertised
    Given a logged-in session
    Then UIDL works, advertised or not

  @MUST @bundled @req-popcheck-BUNDLED-1
  Scenario: Only for the bundled server
    Given a connection to the server
