@rfc1939 @MUST
Feature: Harness problems the runner reports as ERROR

  Scenario: A step nobody wrote
    Given a step nobody defined

  Scenario: A step that reports a harness error
    Given the harness reports an error

  @hook-fails
  Scenario: A hook that fails
    Given a connection to the server

  Scenario: A conformant greeting next to the errors
    Given a connection to the server
    Then the greeting is a well-formed +OK line
